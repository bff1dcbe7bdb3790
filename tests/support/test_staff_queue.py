# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The back office's ticket queue: only the departments the staff member's roles read (REV-1),
filtered by state, never by content, and no titles in the list."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from clientvault.accounts.models import StaffRole
from clientvault.privacy.models import AuditEvent
from clientvault.support.models import Ticket, TicketStatus
from clientvault.support.services.tickets import assign_ticket, close_ticket
from tests.accounts.personas import customer, staff, staff_client  # noqa: F401
from tests.support.staff_fixtures import TITLE, a_ticket, an_email_ticket
from tests.support.tickets import text

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
QUEUE = reverse("support:staff_queue")
NUMBER = re.compile(r"T-\d{6}")


def listed(response) -> set[str]:
    assert response.status_code == 200
    return set(NUMBER.findall(response.content.decode()))


@pytest.fixture
def tickets(customer):
    return {d: a_ticket(customer, department=d) for d in ("support", "billing", "abuse", "privacy")}


def test_billing_staff_do_not_see_the_privacy_departments_tickets(tickets, staff_client):
    shown = listed(staff_client(StaffRole.BILLING).get(QUEUE))
    assert shown == {tickets[d].number for d in ("support", "billing", "abuse")}


def test_each_role_sees_the_departments_its_purposes_open(tickets, staff_client):
    expected = {
        StaffRole.SUPPORT: {"support", "abuse"},
        StaffRole.PRIVACY_OFFICER: {"support", "abuse", "privacy"},
        StaffRole.LEGAL: {"privacy"},
        StaffRole.ADMINISTRATOR: {"support", "billing", "abuse"},
    }
    for role, departments in expected.items():
        shown = listed(staff_client(role).get(QUEUE))
        assert shown == {tickets[d].number for d in departments}, role


def test_a_role_reading_no_department_is_refused_with_the_reason(tickets, staff_client):
    response = staff_client(StaffRole.MARKETING).get(QUEUE)
    assert response.status_code == 403
    assert "no department's tickets are open to you" in text(response)
    assert tickets["support"].number not in response.content.decode()


def test_a_customer_gets_404(customer, tickets, client):
    client.force_login(customer.user)
    assert client.get(QUEUE).status_code == 404


def test_the_list_shows_no_titles_and_reads_nothing(customer, tickets, staff, staff_client):
    page = staff_client(StaffRole.SUPPORT).get(QUEUE).content.decode()
    assert TITLE not in page
    assert not AuditEvent.objects.filter(action="reveal", actor_id=f"user:{staff('support').pk}")
    assert customer.customer.number in page


def test_closed_tickets_are_left_out_unless_asked_for(customer, staff, staff_client):
    kept, closed = a_ticket(customer), a_ticket(customer)
    close_ticket(ticket=closed, actor=customer.user)
    client = staff_client(StaffRole.SUPPORT)
    assert listed(client.get(QUEUE)) == {kept.number}
    assert listed(client.get(QUEUE, {"status": TicketStatus.CLOSED})) == {closed.number}
    assert listed(client.get(QUEUE, {"status": "all"})) == {kept.number, closed.number}


def test_it_filters_by_priority_department_and_assignee(customer, staff, staff_client):
    urgent = a_ticket(customer, priority="urgent")
    abuse = a_ticket(customer, department="abuse")
    mine = a_ticket(customer)
    agent = staff(StaffRole.SUPPORT)
    assign_ticket(ticket=mine, assignee=agent, actor=agent)
    client = staff_client(StaffRole.SUPPORT)
    assert listed(client.get(QUEUE, {"priority": "urgent"})) == {urgent.number}
    assert listed(client.get(QUEUE, {"department": "abuse"})) == {abuse.number}
    assert listed(client.get(QUEUE, {"assigned": "me"})) == {mine.number}
    assert listed(client.get(QUEUE, {"assigned": "nobody"})) == {urgent.number, abuse.number}


def test_a_department_not_open_to_the_role_is_not_a_filter(tickets, staff_client):
    response = staff_client(StaffRole.BILLING).get(QUEUE, {"department": "privacy"})
    assert tickets["privacy"].number not in listed(response)
    assert "Department: choose one from the list." in response.content.decode()


def test_it_marks_overdue_tickets_and_lists_them_first(customer, staff_client):
    later = a_ticket(customer, priority="low")
    late = a_ticket(customer)
    Ticket.objects.filter(pk=late.pk).update(
        first_response_due=timezone.now() - datetime.timedelta(hours=1)
    )
    page = staff_client(StaffRole.SUPPORT).get(QUEUE).content.decode()
    assert page.index(late.number) < page.index(later.number)
    assert "Overdue" in page.split(late.number, 1)[1].split("</tr>", 1)[0]


def test_a_ticket_written_by_email_reads_by_email(staff_client):
    ticket = an_email_ticket()
    page = staff_client(StaffRole.SUPPORT).get(QUEUE).content.decode()
    assert "By e-mail" in page.split(ticket.number, 1)[1].split("</tr>", 1)[0]


def test_there_is_no_search_through_the_tickets_texts(tickets, staff_client):
    response = staff_client(StaffRole.SUPPORT).get(QUEUE, {"q": "500 error"})
    assert listed(response) == {tickets["support"].number, tickets["abuse"].number}
    assert 'name="q"' not in response.content.decode()
