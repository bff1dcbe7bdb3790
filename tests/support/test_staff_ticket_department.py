# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""Moving a ticket to another department: nobody has it then, and a staff member whose role
does not read the new department loses sight of it and is taken back to the queue."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.support.models import Ticket
from clientvault.support.services.tickets import assign_ticket
from tests.accounts.personas import customer, staff, staff_client  # noqa: F401
from tests.support.staff_fixtures import a_ticket
from tests.support.tickets import text

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def move(client, ticket: Ticket, department: str, follow: bool = True):
    url = reverse("support:staff_ticket_department", args=[ticket.number])
    return client.post(url, {"department": department}, follow=follow)


def test_a_move_within_sight_stays_on_the_ticket(customer, staff, staff_client):
    ticket = a_ticket(customer)
    assign_ticket(ticket=ticket, assignee=staff(StaffRole.SUPPORT), actor=customer.user)
    response = move(staff_client(StaffRole.SUPPORT), ticket, "abuse", follow=False)
    assert response.url == reverse("support:staff_ticket", args=[ticket.number])
    ticket.refresh_from_db()
    assert (ticket.department, ticket.assigned_to) == ("abuse", None)


def test_a_move_out_of_sight_leads_back_to_the_queue(customer, staff_client):
    ticket = a_ticket(customer)
    client = staff_client(StaffRole.SUPPORT)
    response = move(client, ticket, "privacy", follow=False)
    assert response.url == reverse("support:staff_queue")
    page = text(client.get(response.url))
    assert f"Ticket {ticket.number} moved to Privacy." in page
    assert "so it left your queue" in page
    assert client.get(reverse("support:staff_ticket", args=[ticket.number])).status_code == 404


def test_an_unknown_department_is_refused(customer, staff_client):
    ticket = a_ticket(customer)
    response = move(staff_client(StaffRole.SUPPORT), ticket, "sales")
    assert "Department: choose one from the list." in text(response)
    ticket.refresh_from_db()
    assert ticket.department == "support"
