# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""A ticket staff open on an account from its record: in a department they read, its texts
redacted (and the staff member told), no mail until they reply."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.support.models import Ticket, TicketChannel
from tests.accounts.personas import customer, staff, staff_client  # noqa: F401
from tests.support.staff_fixtures import queued_mail
from tests.support.tickets import CARD_DIGITS, text

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(customer) -> str:
    return reverse("support:staff_open", args=[customer.customer.number])


def form(**data: str) -> dict[str, str]:
    return {
        "title": "Caller cannot reach the mailbox",
        "body": "Called at 10:00; the webmail refuses the password.",
        "department": "support",
        "priority": "high",
        **data,
    }


def test_the_customer_record_links_to_it(customer, staff_client):
    record = reverse("accounts:staff_customer", args=[customer.customer.number])
    page = staff_client(StaffRole.SUPPORT).get(record).content.decode()
    assert f'href="{url(customer)}"' in page


def test_staff_open_a_ticket_on_the_account(customer, staff, staff_client):
    response = staff_client(StaffRole.SUPPORT).post(url(customer), form(), follow=True)
    ticket = Ticket.objects.get()
    assert response.redirect_chain[-1][0] == reverse("support:staff_ticket", args=[ticket.number])
    assert f"Ticket {ticket.number} is open on the account." in text(response)
    assert (ticket.customer_id, ticket.channel, ticket.priority) == (
        customer.customer_id,
        TicketChannel.STAFF,
        "high",
    )
    first = ticket.messages.get()
    assert (first.author_kind, first.author_staff) == ("staff", staff(StaffRole.SUPPORT))
    assert queued_mail() == []


def test_a_card_number_is_removed_and_the_staff_member_told(customer, staff_client):
    body = "Caller read out 4111 1111 1111 1111 before I could stop them."
    response = staff_client(StaffRole.SUPPORT).post(url(customer), form(body=body), follow=True)
    assert "We removed 1 card number" in text(response)
    assert "4111111111111111" not in text(response).replace(" ", "")
    assert CARD_DIGITS not in text(response)
    assert Ticket.objects.get().messages.get().removed == {"card": 1}


def test_an_empty_title_is_refused_and_nothing_stored(customer, staff_client):
    response = staff_client(StaffRole.SUPPORT).post(url(customer), form(title=""))
    assert "Title: say in a few words what the ticket is about." in text(response)
    assert not Ticket.objects.exists()


def test_only_departments_the_role_reads_are_offered(customer, staff_client):
    client = staff_client(StaffRole.BILLING)
    assert 'value="privacy"' not in client.get(url(customer)).content.decode()
    response = client.post(url(customer), form(department="privacy"))
    assert "Department: choose one from the list." in text(response)
    assert not Ticket.objects.exists()


def test_a_role_without_customer_records_is_refused(customer, staff_client):
    assert staff_client(StaffRole.LEGAL).get(url(customer)).status_code == 403


def test_an_unknown_account_is_not_found(staff_client):
    missing = reverse("support:staff_open", args=["CV-0000000"])
    assert staff_client(StaffRole.SUPPORT).get(missing).status_code == 404
