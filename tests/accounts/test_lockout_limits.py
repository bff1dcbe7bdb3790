"""The sign-in limits as they are in production, none lowered: five failures lock a login from
one address for 15 minutes after the last (by username or by e-mail address alike), one address
gets 30 attempts per 15 minutes, one login 30 from everywhere."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from clientvault.accounts import throttle
from clientvault.accounts.models import LoginEvent
from tests.accounts import personas
from tests.accounts.personas import PASSWORD
from tests.accounts.test_lockout import age_failures

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer = personas.customer

LOGIN = reverse("accounts:login")
WRONG = "wrong-password-here"


def attempt(client, username, password=WRONG):
    return client.post(LOGIN, {"username": username, "password": password})


def from_address(n):
    return Client(REMOTE_ADDR=f"203.0.113.{n}")


def test_the_limits_in_force_are_the_promised_ones():
    lockout = throttle.LOGIN_LOCKOUT
    assert (lockout.limit, lockout.cool_off) == (5, 15 * 60)
    assert (
        settings.CLIENTVAULT_LOGIN_LOCKOUT_FAILURES,
        settings.CLIENTVAULT_LOGIN_LOCKOUT_SECONDS,
    ) == (
        5,
        900,
    )
    for rule in (throttle.LOGIN_IP, throttle.LOGIN_IDENTIFIER, throttle.LOGIN_DEVICE):
        assert (rule.limit, rule.window) == (30, 15 * 60), rule.scope


def test_the_fifth_failure_locks_and_the_sixth_attempt_is_refused_untried(customer):
    client = Client()
    assert [attempt(client, "ada").status_code for _ in range(4)] == [200] * 4
    fifth = attempt(client, "ada")
    assert fifth.status_code == 429
    assert fifth["Retry-After"] == "900"
    sixth = attempt(client, "ada", PASSWORD)
    assert sixth.status_code == 429
    assert "Too many attempts. Please try again in 15 minutes." in sixth.content.decode()
    outcomes = list(LoginEvent.objects.order_by("at").values_list("outcome", flat=True))
    assert outcomes == ["failure"] * 4 + ["locked"]  # the sixth was not even tried


def test_a_lockout_is_reached_through_email_sign_in(customer):
    client = Client()
    for _ in range(4):
        assert attempt(client, "ada@example.com").status_code == 200
    assert attempt(client, "Ada@Example.com").status_code == 429
    assert attempt(client, "ada@example.com", PASSWORD).status_code == 429
    assert attempt(client, "ada", PASSWORD).status_code == 429  # the same login by its username
    assert (
        attempt(Client(REMOTE_ADDR="198.51.100.40"), "ada@example.com", PASSWORD).status_code == 302
    )


def test_the_lock_lasts_15_minutes_after_the_last_failure(customer):
    client = Client()
    for _ in range(5):
        attempt(client, "ada")
    age_failures(timedelta(minutes=14, seconds=50))
    still = attempt(client, "ada", PASSWORD)
    assert still.status_code == 429
    assert "Please try again in 1 minute." in still.content.decode()
    age_failures(timedelta(minutes=15, seconds=1))
    assert attempt(client, "ada", PASSWORD).status_code == 302


def test_one_address_gets_30_attempts_across_logins_then_is_refused(customer):
    client = from_address(9)
    statuses = [attempt(client, f"nobody-{n}").status_code for n in range(30)]
    assert statuses == [200] * 30
    assert attempt(client, "ada", PASSWORD).status_code == 429
    assert attempt(from_address(10), "ada", PASSWORD).status_code == 302


def test_one_login_gets_30_failures_from_everywhere_then_is_refused(customer):
    for n in range(30):
        name = "ada" if n % 2 else "ada@example.com"
        assert attempt(from_address(n + 1), name).status_code == 200
    refused = attempt(from_address(200), "ADA", PASSWORD)
    assert refused.status_code == 429
    assert "Too many attempts. Please try again in" in refused.content.decode()
