"""Reporting unauthorised use (SEC-3): every session ends, a reset is forced, staff are told."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from clientvault.accounts.models import (
    ApiToken,
    AuthenticatorDevice,
    ClientLogEntry,
    Invitation,
    Permission,
    UnauthorisedUseReport,
    UserSession,
)
from clientvault.accounts.services import authenticate_api_token
from clientvault.accounts.services.people import invite_user
from clientvault.accounts.services.security import report_unauthorised_use
from clientvault.privacy.models import AuditEvent
from tests.accounts import mailutil, personas
from tests.accounts.mailutil import deliver_mail, link_in
from tests.accounts.personas import PASSWORD, make_staff

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer = personas.customer

smtp_server = mailutil.smtp_server
REPORT = reverse("accounts:report_unauthorised")


def signed_in():
    client = Client()
    client.post(reverse("accounts:login"), {"username": "ada", "password": PASSWORD})
    return client


def test_a_report_signs_out_everywhere_and_forces_a_reset(customer, smtp_server):
    other, client = signed_in(), signed_in()
    assert "Report and sign out everywhere" in client.get(REPORT).content.decode()
    response = client.post(REPORT, {"description": "A sign-in from abroad", "confirm": "on"})
    assert response["Location"] == reverse("accounts:login")
    report = UnauthorisedUseReport.objects.get(customer=customer.customer)
    assert (report.status, report.description) == ("open", "A sign-in from abroad")
    assert not UserSession.objects.filter(user=customer.user).exists()
    assert other.get(reverse("accounts:security")).status_code == 302
    customer.user.refresh_from_db()
    assert not customer.user.has_usable_password()
    events = set(ClientLogEntry.objects.values_list("event", flat=True))
    assert {"unauthorised_use_reported", "logged_out_everywhere"} <= events
    assert AuditEvent.objects.filter(action="unauthorised_use.reported", object_id=str(report.pk))
    deliver_mail()
    link = link_in(smtp_server.wait_for("ada@example.com"))
    browser = Client()
    opened = browser.get(urlsplit(link).path)
    new = "a-fresh-start-passphrase-2025"
    browser.post(opened["Location"], {"new_password1": new, "new_password2": new})
    assert (
        Client().post(reverse("accounts:login"), {"username": "ada", "password": new}).status_code
        == 302
    )


def test_it_needs_the_customer_to_confirm(customer):
    client = signed_in()
    page = client.post(REPORT, {"description": "odd"}).content.decode()
    assert "Please confirm you understand what happens next." in page
    assert not UnauthorisedUseReport.objects.exists()


def test_staff_have_no_report_page():
    staff = make_staff("support")
    client = Client()
    client.force_login(staff)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = AuthenticatorDevice.objects.get(user=staff).persistent_id
    session.save()
    assert client.get(REPORT).status_code == 404


def test_the_service_counts_what_it_did(customer):
    signed_in(), signed_in()
    report = report_unauthorised_use(person=customer, description="", actor=customer.user)
    event = AuditEvent.objects.get(action="unauthorised_use.reported")
    assert event.details == {
        "sessions_ended": 2,
        "tokens_revoked": 0,
        "invitations_withdrawn": 0,
        "reset_sent": True,
    }
    assert report.subject_id == customer.subject_id


def test_it_revokes_tokens_a_stolen_session_made_and_withdraws_invitations(customer):
    thief = signed_in()  # a session that typed the password: it may make a token
    made = thief.post(
        reverse("accounts:api_tokens"), {"name": "backdoor", "expires_in_days": "365"}, follow=True
    )
    raw = made.context["token_text"]
    assert authenticate_api_token(raw) == customer.user
    account = customer.customer
    invite_user(customer=account, email="crook@example.net", permissions=[], actor=customer.user)
    colleague = personas.add_authorised_user(
        customer, username="carol", email="carol@example.com", permissions=[Permission.CONTACTS]
    )
    by_colleague = invite_user(
        customer=account, email="helper@example.org", permissions=[], actor=colleague.user
    )
    response = signed_in().post(REPORT, {"description": "not me", "confirm": "on"}, follow=True)
    assert authenticate_api_token(raw) is None
    assert not ApiToken.objects.filter(revoked_at__isnull=True).exists()
    assert Invitation.objects.get(invited_by=customer.user).revoked_at is not None
    by_colleague.refresh_from_db()
    assert by_colleague.revoked_at is None  # only what the reported login sent
    page = response.content.decode()
    assert "revoked every API token of your login" in page
    assert "withdrawn any invitations you sent" in page
    events = list(ClientLogEntry.objects.values_list("event", "detail"))
    assert ("api_token_revoked", "1 token revoked: unauthorised use reported") in events
    assert ("invitation_withdrawn", "") in events
    report = AuditEvent.objects.get(action="unauthorised_use.reported")
    assert (report.details["tokens_revoked"], report.details["invitations_withdrawn"]) == (1, 1)
