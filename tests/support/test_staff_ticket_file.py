# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""A ticket's file in the back office: served only to staff who read the ticket's department,
read through reveal, as a download of the type its content showed, never sniffed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.support.models import Attachment, Ticket
from clientvault.support.services.attachments import Upload
from clientvault.support.services.tickets import reply_as_staff
from tests.accounts.personas import customer, outsider, staff, staff_client  # noqa: F401
from tests.support.staff_fixtures import PNG, a_ticket, reveals
from tests.support.tickets import CARD, CARD_DIGITS

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(ticket: Ticket, attachment: Attachment) -> str:
    return reverse("support:staff_ticket_file", args=[ticket.number, attachment.pk])


def with_file(customer, department: str = "support", upload: Upload | None = None):
    ticket = a_ticket(customer, department=department, files=[upload or Upload("shot.png", PNG)])
    return ticket, Attachment.objects.get(message__ticket=ticket)


def test_staff_who_read_the_department_download_it(customer, staff, staff_client):
    ticket, attachment = with_file(customer)
    response = staff_client(StaffRole.SUPPORT).get(url(ticket, attachment))
    assert response.status_code == 200
    assert response.content == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="shot.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    agent = staff(StaffRole.SUPPORT)
    assert len(reveals(agent, "support.Attachment", "data")) == 1
    assert len(reveals(agent, "support.Attachment", "filename")) == 1


def test_staff_of_another_department_get_404(customer, staff, staff_client):
    ticket, attachment = with_file(customer, department="billing")
    for role in (StaffRole.SUPPORT, StaffRole.LEGAL, StaffRole.MARKETING):
        assert staff_client(role).get(url(ticket, attachment)).status_code == 404, role
    assert staff_client(StaffRole.BILLING).get(url(ticket, attachment)).status_code == 200


def test_a_customer_of_another_account_gets_404(customer, outsider, client):
    ticket, attachment = with_file(customer)
    client.force_login(outsider.user)
    assert client.get(url(ticket, attachment)).status_code == 404


def test_a_file_of_another_ticket_is_not_found_under_this_one(customer, staff_client):
    ticket, _ = with_file(customer)
    _, other = with_file(customer)
    assert staff_client(StaffRole.SUPPORT).get(url(ticket, other)).status_code == 404


def test_a_staff_notes_file_is_served_to_staff(customer, staff, staff_client):
    ticket = a_ticket(customer)
    reply_as_staff(
        ticket=ticket,
        staff=staff(StaffRole.SUPPORT),
        body="The log, for the team.",
        files=[Upload("panel.log", f"paid with {CARD}\n".encode())],
        internal=True,
    )
    attachment = Attachment.objects.get(message__ticket=ticket)
    response = staff_client(StaffRole.SUPPORT).get(url(ticket, attachment))
    assert response["Content-Type"] == "text/plain"
    assert CARD_DIGITS not in response.content.decode().replace(" ", "")
    assert b"[card number removed]" in response.content
