# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""A ticket's priority: the first-answer deadline follows it, from the ticket's opening."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.support.models import FIRST_RESPONSE, Priority, Ticket
from tests.accounts.personas import customer, staff, staff_client  # noqa: F401
from tests.support.staff_fixtures import a_ticket
from tests.support.tickets import text

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def change(client, ticket: Ticket, priority: str):
    url = reverse("support:staff_ticket_priority", args=[ticket.number])
    return client.post(url, {"priority": priority}, follow=True)


def test_a_higher_priority_brings_the_deadline_forward(customer, staff_client):
    ticket = a_ticket(customer)
    response = change(staff_client(StaffRole.SUPPORT), ticket, Priority.URGENT)
    assert "The priority is now urgent; a first answer is due by" in text(response)
    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT
    assert ticket.first_response_due == ticket.opened_at + FIRST_RESPONSE[Priority.URGENT]


def test_an_unknown_priority_is_refused(customer, staff_client):
    ticket = a_ticket(customer)
    response = change(staff_client(StaffRole.SUPPORT), ticket, "critical")
    assert "Priority: choose one from the list." in text(response)
    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL
