"""The security page: login history (COL-12), sessions, password change behind re-authentication."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from clientvault.accounts.models import (
    AuthenticatorDevice,
    ClientLogEntry,
    LoginEvent,
    UserSession,
    session_key_digest,
)
from clientvault.accounts.services import authenticate_api_token, create_api_token
from clientvault.accounts.services.sessions import REAUTH_AT
from tests.accounts import mailutil, personas
from tests.accounts.mailutil import deliver_mail
from tests.accounts.personas import PASSWORD, make_staff

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer = personas.customer

smtp_server = mailutil.smtp_server
SECURITY = reverse("accounts:security")
CHANGE = reverse("accounts:password_change")
NEW_PASSWORD = "another-long-and-unusual-passphrase"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)


def signed_in(username="ada", password=PASSWORD, **client_kwargs):
    client = Client(**client_kwargs)
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert response.status_code == 302
    return client


def age_reauth(client, seconds=6 * 60):
    session = client.session
    session[REAUTH_AT] -= seconds
    session.save()


def test_it_lists_sign_ins_with_time_address_and_browser(customer):
    client = signed_in(REMOTE_ADDR="198.51.100.20", HTTP_USER_AGENT=CHROME)
    page = client.get(SECURITY).content.decode()
    assert "198.51.100.20" in page
    assert "Chrome 126 on Windows" in page
    assert "(this browser)" in page
    assert "Signed in" in page


def test_it_pages_the_login_history_25_at_a_time(customer):
    client = signed_in()
    now = timezone.now()
    for n in range(30):
        LoginEvent.objects.create(
            user=customer.user,
            subject=customer.subject,
            at=now - timedelta(days=1, minutes=n),
            outcome="failure",
            ip_address=f"192.0.2.{n}",
            browser="Firefox 128 on Linux",
        )
    first = client.get(SECURITY).content.decode()
    assert "Page 1 of 2" in first
    assert "192.0.2.23" in first
    assert "192.0.2.29" not in first
    second = client.get(SECURITY, {"page": 2}).content.decode()
    assert "192.0.2.29" in second
    assert "192.0.2.23" not in second


def test_it_shows_an_empty_history_plainly(customer):
    client = Client()
    client.force_login(customer.user)
    page = client.get(SECURITY).content.decode()
    assert "No sign-ins recorded yet." in page
    assert "Set up two-step sign-in" in page
    assert "You have not chosen any yet." in page


def test_it_says_how_to_report_or_reach_support(customer):
    page = personas.sign_in(Client(), customer.user).get(SECURITY).content.decode()
    assert "or contact support at" in page
    assert '<a href="mailto:support@example.com">support@example.com</a>' in page
    assert '<a href="tel:+17035550100">+1 703-555-0100</a>' in page


def test_staff_have_a_security_page_in_the_back_office():
    staff = make_staff("support")
    client = Client()
    client.force_login(staff)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = AuthenticatorDevice.objects.get(user=staff).persistent_id
    session.save()
    page = client.get(SECURITY).content.decode()
    assert "Back office" in page
    assert "Report unauthorised use" not in page
    assert "Turn off two-step sign-in" not in page


def test_it_asks_for_the_password_again_before_changing_it(customer):
    client = signed_in()
    age_reauth(client)
    response = client.get(CHANGE)
    assert response["Location"] == f"{reverse('accounts:reauth')}?next=%2Fsecurity%2Fpassword"
    assert client.get(response["Location"]).status_code == 200


def test_it_changes_the_password_and_signs_out_other_sessions(customer, smtp_server):
    other = signed_in()
    client = signed_in()
    response = client.post(CHANGE, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == SECURITY
    assert client.get(SECURITY).status_code == 200  # still signed in, under a new key
    tracked = UserSession.objects.get(user=customer.user)
    assert tracked.key_digest == session_key_digest(client.session.session_key)
    assert other.get(SECURITY).status_code == 302
    assert ClientLogEntry.objects.filter(customer=customer.customer, event="password_changed")
    deliver_mail()
    assert smtp_server.wait_for("ada@example.com")["Subject"] == "Your password was changed"
    signed_in(password=NEW_PASSWORD)


def test_it_revokes_every_api_token_when_the_password_changes(customer):
    _, raw = create_api_token(user=customer.user, name="made with the old password")
    other, client = signed_in(), signed_in()
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    page = client.post(CHANGE, data, follow=True).content.decode()
    assert "Your password is changed. 1 session signed out. 1 API token revoked." in page
    assert authenticate_api_token(raw) is None
    assert other.get(SECURITY).status_code == 302


def test_it_refuses_mismatched_or_weak_passwords_naming_the_field(customer):
    client = signed_in()
    differ = client.post(CHANGE, {"new_password1": NEW_PASSWORD, "new_password2": "other"})
    assert "New password again: the two passwords differ." in differ.content.decode()
    weak = client.post(CHANGE, {"new_password1": "12345678", "new_password2": "12345678"})
    page = weak.content.decode()
    assert "New password: This password is too common." in page
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_new_password1_helptext id_new_password1_error"' in page


def test_reauth_is_throttled_after_five_wrong_passwords(customer):
    client = signed_in()
    reauth = reverse("accounts:reauth")
    for _ in range(5):
        assert client.post(reauth, {"password": "wrong", "next": CHANGE}).status_code == 200
    refused = client.post(reauth, {"password": PASSWORD, "next": CHANGE})
    assert refused.status_code == 429
    assert LoginEvent.objects.filter(user=customer.user, outcome="failure").count() == 5
