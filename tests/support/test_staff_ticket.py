# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""One ticket in the back office: every text read through reveal (each read audited), the view
access-logged once, internal notes shown to staff, the first-answer clock and the history."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clientvault.accounts.models import StaffRole
from clientvault.privacy.models import AuditEvent
from clientvault.support.models import Ticket
from clientvault.support.services.attachments import Upload
from clientvault.support.services.tickets import reply_as_staff, set_priority
from tests.accounts.personas import customer, outsider, staff, staff_client  # noqa: F401
from tests.support.staff_fixtures import BODY, PNG, TITLE, a_ticket, an_email_ticket, reveals
from tests.support.tickets import text

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(ticket: Ticket) -> str:
    return reverse("support:staff_ticket", args=[ticket.number])


def test_every_text_on_the_page_is_read_through_reveal_and_audited(customer, staff, staff_client):
    ticket = a_ticket(customer, files=[Upload("screen.png", PNG)])
    agent = staff(StaffRole.SUPPORT)
    reply_as_staff(ticket=ticket, staff=agent, body="Looking into it.", internal=True)
    response = staff_client(StaffRole.SUPPORT).get(url(ticket))
    page = text(response)
    assert response.status_code == 200
    for shown in (TITLE, BODY, "Looking into it.", "screen.png"):
        assert shown in page
    assert len(reveals(agent, "support.TicketMessage", "body")) == 2
    assert len(reveals(agent, "support.Ticket", "title")) == 1
    assert len(reveals(agent, "support.Attachment", "filename")) == 1
    assert {e.purpose for e in reveals(agent)} == {"support"}
    assert {str(e.subject_id) for e in reveals(agent)} == {str(ticket.subject_id)}


def test_each_view_is_access_logged_once(customer, staff, staff_client):
    ticket = a_ticket(customer)
    agent = staff(StaffRole.SUPPORT)
    staff_client(StaffRole.SUPPORT).get(url(ticket))
    views = AuditEvent.objects.filter(action="access.view", actor_id=f"user:{agent.pk}")
    assert [(e.details["what"], e.subject_id, e.purpose) for e in views] == [
        ("support.ticket", ticket.subject_id, "support")
    ]


def test_a_billing_ticket_is_read_for_billing(customer, staff, staff_client):
    ticket = a_ticket(customer, department="billing")
    agent = staff(StaffRole.BILLING)
    assert staff_client(StaffRole.BILLING).get(url(ticket)).status_code == 200
    assert {e.purpose for e in reveals(agent)} == {"billing"}


def test_internal_notes_are_shown_marked_as_notes(customer, staff, staff_client):
    ticket = a_ticket(customer)
    reply_as_staff(
        ticket=ticket, staff=staff(StaffRole.SUPPORT), body="Customer is on hold.", internal=True
    )
    page = text(staff_client(StaffRole.SUPPORT).get(url(ticket)))
    assert "Internal note · Staff: staff-support" in page


def test_a_ticket_of_a_department_the_role_does_not_read_is_not_found(customer, staff_client):
    ticket = a_ticket(customer, department="privacy")
    for role in (StaffRole.BILLING, StaffRole.SUPPORT, StaffRole.MARKETING):
        assert staff_client(role).get(url(ticket)).status_code == 404, role
    assert not AuditEvent.objects.filter(action="reveal")
    assert staff_client(StaffRole.PRIVACY_OFFICER).get(url(ticket)).status_code == 200


def test_customers_get_404_even_for_their_own_ticket(customer, outsider, client):
    ticket = a_ticket(customer)
    for person in (customer, outsider):
        client.force_login(person.user)
        assert client.get(url(ticket)).status_code == 404


def test_it_marks_an_overdue_first_answer(customer, staff_client):
    ticket = a_ticket(customer)
    due = timezone.now() - datetime.timedelta(minutes=5)
    Ticket.objects.filter(pk=ticket.pk).update(first_response_due=due)
    page = text(staff_client(StaffRole.SUPPORT).get(url(ticket)))
    assert "First answer Overdue since" in page


def test_the_history_shows_changes_and_who_made_them(customer, staff, staff_client):
    ticket = a_ticket(customer)
    set_priority(ticket=ticket, priority="urgent", actor=staff(StaffRole.SUPPORT))
    page = text(staff_client(StaffRole.SUPPORT).get(url(ticket)))
    assert "Priority changed: Normal → Urgent staff: staff-support" in page
    assert "Opened: Waiting for staff customer" in page


def test_the_accounts_people_are_named_by_role_with_their_actions(customer, staff_client):
    ticket = a_ticket(customer)
    page = text(staff_client(StaffRole.SUPPORT).get(url(ticket)))
    assert "Account owner Identity not checked by you yet." in page
    for action in ("Check identity", "Send a password reset link", "Change details"):
        assert action in page
    assert "Lovelace" not in page
    assert "ada@example.com" not in page


def test_a_ticket_written_by_email_has_no_account_actions(staff, staff_client):
    ticket = an_email_ticket()
    page = text(staff_client(StaffRole.SUPPORT).get(url(ticket)))
    assert "Do you host e-mail too?" in page
    assert "The correspondent (by e-mail)" in page
    assert "Check identity" not in page
