# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""A ticket's status, changed by staff along the workflow (TICKET_TRANSITIONS); a move the
workflow does not allow is refused saying which, and changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.support.models import Ticket, TicketEvent, TicketStatus
from clientvault.support.services.tickets import close_ticket
from tests.accounts.personas import customer, staff, staff_client  # noqa: F401
from tests.support.staff_fixtures import a_ticket
from tests.support.tickets import text

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def change(client, ticket: Ticket, status: str):
    url = reverse("support:staff_ticket_status", args=[ticket.number])
    return client.post(url, {"status": status}, follow=True)


def test_staff_put_a_ticket_on_hold_and_the_history_shows_it(customer, staff_client):
    ticket = a_ticket(customer)
    response = change(staff_client(StaffRole.SUPPORT), ticket, TicketStatus.ON_HOLD)
    assert f"Ticket {ticket.number} is now on hold." in text(response)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ON_HOLD
    assert "Status changed: Waiting for staff → On hold" in text(response)


def test_a_move_the_workflow_does_not_allow_is_refused(customer, staff_client):
    ticket = a_ticket(customer)
    close_ticket(ticket=ticket, actor=customer.user)
    response = change(staff_client(StaffRole.SUPPORT), ticket, TicketStatus.OPEN)
    assert "A ticket that is closed cannot become waiting for staff." in text(response)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    assert ticket.events.filter(kind=TicketEvent.Kind.STATUS).count() == 1


def test_an_unknown_status_is_refused_on_the_form(customer, staff_client):
    ticket = a_ticket(customer)
    response = change(staff_client(StaffRole.SUPPORT), ticket, "solved")
    assert "New status: choose one from the list." in text(response)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN


def test_the_list_offers_only_the_allowed_moves(customer, staff_client):
    ticket = a_ticket(customer)
    page = staff_client(StaffRole.SUPPORT).get(
        reverse("support:staff_ticket", args=[ticket.number])
    )
    select = page.content.decode().split('id="change_status"', 1)[1].split("</select>", 1)[0]
    assert 'value="open"' not in select
    for allowed in ("answered", "on_hold", "closed"):
        assert f'value="{allowed}"' in select


def test_staff_who_do_not_read_the_department_get_404(customer, staff_client):
    ticket = a_ticket(customer, department="billing")
    response = staff_client(StaffRole.SUPPORT).post(
        reverse("support:staff_ticket_status", args=[ticket.number]), {"status": "closed"}
    )
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
