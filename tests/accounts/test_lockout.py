"""Lockout at sign-in (a login from one address), the address-wide and per-login throttles,
and the known-device cookie that keeps the owner out of others' lockouts: the same answer for
all browsers without one. The production limits themselves: test_lockout_limits.py."""

import re
from datetime import timedelta

import pytest
from django.db.models import F, Max
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientvault.accounts import throttle
from clientvault.accounts.models import LoginEvent, ThrottleBucket
from tests.accounts import personas
from tests.accounts.parallel import in_parallel, needs_postgresql
from tests.accounts.personas import PASSWORD

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer = personas.customer
outsider = personas.outsider

LOGIN = reverse("accounts:login")
LIMIT = 5  # settings.CLIENTVAULT_LOGIN_LOCKOUT_FAILURES


def attempt(client, username, password="wrong-password-here"):
    return client.post(LOGIN, {"username": username, "password": password})


def fail_until_locked(client, username):
    responses = [attempt(client, username) for _ in range(LIMIT)]
    assert [r.status_code for r in responses] == [200] * (LIMIT - 1) + [429]
    return responses[-1]


def age_failures(last_failure_ago):
    """Move every lockout count back in time, so that the last failure was that long ago."""
    buckets = ThrottleBucket.objects.filter(scope=throttle.LOGIN_LOCKOUT.scope)
    latest = buckets.aggregate(latest=Max("window_start"))["latest"]
    shift = timezone.now() - last_failure_ago - latest
    buckets.update(window_start=F("window_start") + shift)


def visible_text(response):
    """The page without its per-request parts (CSRF token, the username typed back, and the
    minutes left of a window, which the clock moves between two requests)."""
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    page = re.sub(r"try again in \d+ minutes?", "try again in N minutes", page)
    return re.sub(r'name="username"[^>]*>', "", page)


def test_it_locks_a_username_after_five_failures_even_with_the_right_password(customer):
    client = Client()
    locked = fail_until_locked(client, "ada")
    assert "Too many attempts. Please try again in 15 minutes." in locked.content.decode()
    assert locked["Retry-After"] == "900"
    right = attempt(client, "ada", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert LoginEvent.objects.filter(user=customer.user, outcome="locked").exists()


def test_it_locks_an_unknown_username_exactly_like_a_real_one(customer):
    real = fail_until_locked(Client(), "ada")
    unknown = fail_until_locked(Client(), "nobody-at-all")
    assert real.status_code == unknown.status_code == 429
    assert visible_text(real) == visible_text(unknown)
    again_real, again_unknown = attempt(Client(), "ada"), attempt(Client(), "nobody-at-all")
    assert visible_text(again_real) == visible_text(again_unknown)


def test_it_counts_a_username_in_any_case_as_one(customer):
    client = Client()
    for typed in ("ada", "ADA", "Ada", "aDa"):
        assert attempt(client, typed).status_code == 200
    assert attempt(client, "adA").status_code == 429


def test_it_does_not_lock_the_owner_out_from_another_address(customer):
    fail_until_locked(Client(REMOTE_ADDR="203.0.113.66"), "ada")
    owner = Client(REMOTE_ADDR="198.51.100.1")
    assert attempt(owner, "ada", PASSWORD).status_code == 302


def test_it_lets_the_username_in_again_after_the_cool_off(customer):
    client = Client()
    fail_until_locked(client, "ada")
    age_failures(timedelta(minutes=16))
    assert attempt(client, "ada", PASSWORD).status_code == 302


def test_it_clears_the_count_after_a_successful_sign_in(customer):
    client = Client()
    for _ in range(LIMIT - 1):
        attempt(client, "ada")
    assert attempt(client, "ada", PASSWORD).status_code == 302
    assert attempt(Client(), "ada").status_code == 200  # a fresh count, not the fifth


def test_it_throttles_one_address_trying_many_usernames(customer, monkeypatch):
    monkeypatch.setattr(throttle, "LOGIN_IP", throttle.Rule("login-ip", 3))
    client = Client(REMOTE_ADDR="203.0.113.9")
    for name in ("amy", "bob", "cat"):
        assert attempt(client, name).status_code == 200
    refused = attempt(client, "ada", PASSWORD)
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    assert attempt(Client(REMOTE_ADDR="198.51.100.2"), "ada", PASSWORD).status_code == 302


def exhaust_identifier(name, limit=3):
    """``limit`` wrong passwords for ``name``, each from its own address (none is locked)."""
    for n in range(limit):
        assert attempt(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), name).status_code == 200


def known_browser(username="ada"):
    """A browser that completed a sign-in as ``username`` (so it has the device cookie)."""
    browser = Client(REMOTE_ADDR="198.51.100.20")
    assert attempt(browser, username, PASSWORD).status_code == 302
    assert browser.cookies["cv_device"].value
    browser.post(reverse("accounts:logout"))
    return browser


def test_it_limits_one_username_tried_from_many_addresses_the_same_for_unknown_names(
    customer, monkeypatch
):
    monkeypatch.setattr(throttle, "LOGIN_IDENTIFIER", throttle.Rule("login-id", 3))
    refusals = {}
    for name in ("ada", "nobody-at-all"):
        exhaust_identifier(name)
        refused = attempt(Client(REMOTE_ADDR="198.51.100.77"), name.upper(), PASSWORD)
        assert refused.status_code == 429
        assert "Too many attempts. Please try again in" in refused.content.decode()
        refusals[name] = visible_text(refused)
    assert refusals["ada"] == refusals["nobody-at-all"]
    assert not LoginEvent.objects.filter(user=customer.user, outcome="success").exists()
    personas.open_test_account(username="otto", details=personas.OUTSIDER_DETAILS)
    assert attempt(Client(REMOTE_ADDR="203.0.113.1"), "otto", PASSWORD).status_code == 302


def test_the_owner_with_a_device_cookie_gets_in_while_the_name_is_limited(customer, monkeypatch):
    owner = known_browser()
    monkeypatch.setattr(throttle, "LOGIN_IDENTIFIER", throttle.Rule("login-id", 3))
    exhaust_identifier("ada")
    assert attempt(Client(REMOTE_ADDR="198.51.100.20"), "ada", PASSWORD).status_code == 429
    assert attempt(owner, "ADA", PASSWORD).status_code == 302  # any case: the same login
    assert attempt(Client(REMOTE_ADDR="198.51.100.21"), "ada", PASSWORD).status_code == 429


def test_a_device_cookie_does_not_count_against_the_name(customer, monkeypatch):
    owner = known_browser()
    monkeypatch.setattr(throttle, "LOGIN_IDENTIFIER", throttle.Rule("login-id", 2))
    assert attempt(owner, "ada").status_code == 200  # the owner mistypes, with the cookie
    exhaust_identifier("ada", limit=2)  # the name's count is the guesser's alone
    assert attempt(Client(), "ada").status_code == 429


def test_a_device_cookie_only_helps_the_login_it_names(customer, outsider, monkeypatch):
    otto = known_browser("otto")
    monkeypatch.setattr(throttle, "LOGIN_IDENTIFIER", throttle.Rule("login-id", 3))
    exhaust_identifier("ada")
    assert attempt(otto, "ada", PASSWORD).status_code == 429


def test_a_forged_or_altered_device_cookie_is_ignored(customer, monkeypatch):
    owner = known_browser()
    monkeypatch.setattr(throttle, "LOGIN_IDENTIFIER", throttle.Rule("login-id", 3))
    exhaust_identifier("ada")
    value = owner.cookies["cv_device"].value
    owner.cookies["cv_device"] = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    assert attempt(owner, "ada", PASSWORD).status_code == 429


def test_a_device_cookie_is_limited_on_its_own(customer, monkeypatch):
    owner = known_browser()
    monkeypatch.setattr(throttle, "LOGIN_DEVICE", throttle.Rule("login-device", 2))
    for n in range(2):  # a stolen cookie, tried from many addresses
        owner.defaults["REMOTE_ADDR"] = f"203.0.113.{n + 1}"
        assert attempt(owner, "ada").status_code == 200
    owner.defaults["REMOTE_ADDR"] = "203.0.113.9"
    assert attempt(owner, "ada", PASSWORD).status_code == 429
    assert attempt(Client(), "ada", PASSWORD).status_code == 302  # the name itself is not used up


def test_the_lockout_still_holds_for_a_browser_with_a_device_cookie_from_one_address(customer):
    owner = known_browser()
    locked = fail_until_locked(owner, "ada")
    assert "Too many attempts" in locked.content.decode()
    assert attempt(owner, "ada", PASSWORD).status_code == 429


@pytest.mark.django_db(transaction=True, databases=["default", "keys"])
def test_parallel_guesses_at_one_name_get_exactly_the_limit(monkeypatch):
    needs_postgresql()
    personas.open_test_account(username="ada", details=personas.OWNER_DETAILS)
    monkeypatch.setattr(throttle, "LOGIN_IDENTIFIER", throttle.Rule("login-id", 3))
    statuses = in_parallel(10, lambda n: attempt(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), "ada"))
    assert sorted(r.status_code for r in statuses) == [200] * 3 + [429] * 7
    assert LoginEvent.objects.filter(outcome="failure").count() == 3


def test_the_username_and_the_email_of_one_login_share_one_budget(customer):
    client = Client()
    typed = ["ada", "ada@example.com", "ADA", "Ada@Example.COM"]
    assert [attempt(client, name).status_code for name in typed] == [200] * 4
    locked = attempt(client, "ada@example.com")  # the fifth failure in all
    assert locked.status_code == 429
    assert attempt(client, "ada", PASSWORD).status_code == 429
    assert (
        attempt(Client(REMOTE_ADDR="198.51.100.30"), "ada@example.com", PASSWORD).status_code == 302
    )


def test_one_login_is_limited_across_addresses_by_username_and_email_together(
    customer, monkeypatch
):
    monkeypatch.setattr(throttle, "LOGIN_IDENTIFIER", throttle.Rule("login-id", 4))
    for n, name in enumerate(["ada", "ada@example.com", "ADA", "ada@EXAMPLE.com"]):
        assert attempt(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), name).status_code == 200
    assert attempt(Client(REMOTE_ADDR="198.51.100.31"), "ada", PASSWORD).status_code == 429


def test_unknown_names_are_counted_as_typed(customer):
    client = Client()
    for name in ("nobody", "NOBODY", " Nobody ", "nobody", "nobody@example.com"):
        assert attempt(client, name).status_code == 200  # four of one name, one of another
    assert attempt(client, "nobody").status_code == 429


@pytest.mark.django_db(transaction=True, databases=["default", "keys"])
def test_parallel_guesses_from_one_address_try_exactly_five_passwords():
    needs_postgresql()
    personas.open_test_account(username="ada", details=personas.OWNER_DETAILS)
    statuses = in_parallel(10, lambda n: attempt(Client(REMOTE_ADDR="203.0.113.7"), "ada"))
    assert sorted(r.status_code for r in statuses).count(429) >= 5
    assert LoginEvent.objects.filter(outcome__in=["failure", "locked"]).count() == LIMIT
