"""Signing in by username or e-mail (SEC-2): session rotation, login history, client log."""

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from clientvault.accounts.models import (
    ClientLogEntry,
    CustomerStatus,
    LoginEvent,
    User,
    UserSession,
    session_key_digest,
)
from clientvault.accounts.services.sessions import LOGIN_AT
from clientvault.privacy.fields import sealed_values
from clientvault.privacy.models import AuditEvent
from tests.accounts import personas
from tests.accounts.personas import PASSWORD, make_staff

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer = personas.customer

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
LOGIN = reverse("accounts:login")


def post_login(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_it_shows_the_sign_in_form_with_a_reset_link():
    response = Client().get(LOGIN)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="username"' in page
    assert 'autocomplete="current-password"' in page
    assert reverse("accounts:password_reset") in page


@pytest.mark.parametrize("typed", ["ada", "ADA", " Ada ", "ada@example.com", "Ada@Example.COM"])
def test_it_signs_in_by_username_in_any_case_or_by_email(customer, typed):
    client = Client()
    response = post_login(client, typed)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(customer.user.pk)


def test_it_signs_staff_in_by_their_own_email():
    staff = make_staff("support")
    staff.email = "sam@host.example"
    staff.save()
    client = Client()
    response = post_login(client, "SAM@host.example")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_it_gives_a_new_session_key_at_sign_in(customer):
    client = Client()
    client.get(LOGIN)
    session = client.session
    session["before"] = "yes"
    session.save()
    before = session.session_key
    post_login(client, "ada")
    after = client.session.session_key
    assert after
    assert after != before
    assert client.session.get("before") == "yes"  # rotated, not emptied
    assert UserSession.objects.get(user=customer.user).key_digest == session_key_digest(after)


def test_it_records_the_sign_in_with_sealed_ip_and_browser(customer):
    post_login(Client(HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="198.51.100.7"), "ada")
    event = LoginEvent.objects.get(user=customer.user)
    assert event.outcome == "success"
    assert event.ip_address == "198.51.100.7"
    assert event.browser == "Firefox 128 on Linux"
    with sealed_values():
        raw = LoginEvent.objects.get(pk=event.pk).ip_address.token
    assert raw
    assert "198.51.100.7" not in raw
    assert ClientLogEntry.objects.filter(customer=customer.customer, event="logged_in").exists()
    assert AuditEvent.objects.filter(action="auth.signed_in", subject_id=customer.subject_id)


def test_it_lands_customers_on_their_dashboard_or_a_safe_next_page(customer):
    response = post_login(Client(), "ada", next="/security")
    assert response["Location"] == "/security"
    response = post_login(Client(), "ada", next="https://evil.example/")
    assert "evil" not in response["Location"]


def test_it_answers_a_wrong_password_and_an_unknown_login_alike(customer):
    wrong = post_login(Client(), "ada", "not-the-password")
    unknown = post_login(Client(), "nobody-here", "not-the-password")
    assert wrong.status_code == unknown.status_code == 200
    message = "do not match an account"
    assert message in wrong.content.decode()
    assert message in unknown.content.decode()
    assert wrong.content.decode().count(message) == unknown.content.decode().count(message)


def test_it_records_a_failed_sign_in_in_the_account_history(customer):
    post_login(Client(), "ada@example.com", "not-the-password")
    event = LoginEvent.objects.get(user=customer.user)
    assert event.outcome == "failure"
    assert ClientLogEntry.objects.filter(customer=customer.customer, event="login_failed")


def test_it_refuses_the_people_of_a_closed_account(customer):
    customer.customer.status = CustomerStatus.CLOSED
    customer.customer.save()
    response = post_login(Client(), "ada")
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()


def test_it_gives_a_staff_login_without_a_subject_one_at_sign_in():
    staff = make_staff("billing")
    User.objects.filter(pk=staff.pk).update(subject=None)
    post_login(Client(), staff.username)
    staff.refresh_from_db()
    assert staff.subject_id is not None
    assert UserSession.objects.get(user=staff).subject_id == staff.subject_id


def test_it_signs_out_by_post_only(customer):
    client = Client()
    post_login(client, "ada")
    assert client.get(reverse("accounts:logout")).status_code == 200
    assert "_auth_user_id" in client.session  # a GET signs no one out
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    assert not UserSession.objects.filter(user=customer.user).exists()


def test_it_marks_the_sign_in_time_in_the_session(customer):
    client = Client()
    post_login(client, "ada")
    assert isinstance(client.session[LOGIN_AT], float)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short1!", "too short"),
        ("password123", "too common"),
        ("x" * 257, "at most 256"),
    ],
)
def test_it_refuses_weak_or_overlong_passwords(password, problem):
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert any(problem in m for m in error.value.messages)


def test_it_accepts_long_passphrases():
    validate_password("correct horse battery staple " * 4 + "x" * 8)  # 124 characters
    validate_password("a-long-unusual-passphrase-" * 9)  # 234 characters


def test_a_get_of_sign_out_shows_a_page_with_the_sign_out_button(customer):
    client = personas.sign_in(Client(enforce_csrf_checks=True), customer.user)
    page = client.get(reverse("accounts:logout"))
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    form = re.search(
        r'<form method="post" action="/sign-out">(.*?)</form>', page.content.decode(), re.S
    )
    assert form, "no sign-out form"
    assert 'name="csrfmiddlewaretoken"' in form.group(1)
    assert re.search(r'<button type="submit">Sign out</button>', form.group(1))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(1)).group(1)
    assert client.post(reverse("accounts:logout")).status_code == 403  # no token, no sign-out
    response = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token})
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_a_get_of_sign_out_tells_a_visitor_they_are_not_signed_in():
    page = Client().get(reverse("accounts:logout"))
    assert page.status_code == 200
    assert "You are not signed in" in page.content.decode()
