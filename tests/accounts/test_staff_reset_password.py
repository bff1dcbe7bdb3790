# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""A reset asked for in a support ticket (CTL-2): the link goes only to the e-mail on record."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import ClientLogEntry, StaffRole
from clientvault.privacy.models import AuditEvent
from tests.accounts.personas import customer, staff, staff_client  # noqa: F401
from tests.accounts.test_identity_check import queued_mail

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(person):
    return reverse("accounts:staff_reset_password", args=[person.pk])


def test_the_form_has_no_field_for_an_address(customer, staff_client):
    page = staff_client(StaffRole.SUPPORT).get(url(customer)).content.decode()
    form = page.split('<form method="post">', 1)[1].split("</form>", 1)[0]
    assert "<input" in form
    assert form.count("<input") == 1
    assert "only to the e-mail address on record" in page


def test_an_address_typed_into_the_request_is_ignored(customer, staff, staff_client):
    support = staff(StaffRole.SUPPORT)
    response = staff_client(StaffRole.SUPPORT).post(
        url(customer), {"email": "attacker@example.net", "to": "attacker@example.net"}, follow=True
    )
    assert "sent to the e-mail address on record" in response.content.decode()
    assert [m["to"] for m in queued_mail()] == ["ada@example.com"]
    event = AuditEvent.objects.get(action="password_reset.sent")
    assert event.actor_id == f"user:{support.pk}"
    assert event.details == {"channel": "ticket"}
    assert ClientLogEntry.objects.filter(event="password_reset_requested").exists()


def test_a_role_without_the_purpose_cannot_send_it(customer, staff_client):
    response = staff_client(StaffRole.LEGAL).post(url(customer))
    assert response.status_code == 403
    assert queued_mail() == []
