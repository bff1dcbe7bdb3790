# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""Who has a ticket: the staff member themselves, another who reads its department, or
nobody; never someone whose role does not read it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.support.models import Ticket
from tests.accounts.personas import customer, staff, staff_client  # noqa: F401
from tests.support.staff_fixtures import a_ticket
from tests.support.tickets import text

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def assign(client, ticket: Ticket, assignee: object):
    url = reverse("support:staff_ticket_assign", args=[ticket.number])
    return client.post(url, {"assignee": str(assignee)}, follow=True)


def test_a_staff_member_takes_a_ticket_and_gives_it_up(customer, staff, staff_client):
    ticket = a_ticket(customer)
    agent = staff(StaffRole.SUPPORT)
    client = staff_client(StaffRole.SUPPORT)
    response = assign(client, ticket, agent.pk)
    assert f"Ticket {ticket.number} is assigned to you." in text(response)
    assert "Assigned to staff-support" in text(response)
    ticket.refresh_from_db()
    assert ticket.assigned_to == agent
    assign(client, ticket, "")
    ticket.refresh_from_db()
    assert ticket.assigned_to is None


def test_it_goes_to_another_who_reads_the_department(customer, staff, staff_client):
    ticket = a_ticket(customer, department="billing")
    colleague = staff(StaffRole.ADMINISTRATOR)
    response = assign(staff_client(StaffRole.BILLING), ticket, colleague.pk)
    assert f"is assigned to {colleague.username}." in text(response)
    ticket.refresh_from_db()
    assert ticket.assigned_to == colleague


def test_it_never_goes_to_someone_who_cannot_read_it(customer, staff, staff_client):
    ticket = a_ticket(customer, department="billing")
    for role in (StaffRole.SUPPORT, StaffRole.MARKETING):
        response = assign(staff_client(StaffRole.BILLING), ticket, staff(role).pk)
        assert "Assign to: choose one from the list." in text(response)
    response = assign(staff_client(StaffRole.BILLING), ticket, customer.user.pk)
    assert "Assign to: choose one from the list." in text(response)
    ticket.refresh_from_db()
    assert ticket.assigned_to is None
