# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""A staff reply or internal note: secrets removed before anything is stored or mailed (the
staff member told what was removed), files checked by content, a closed ticket refused."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.support.models import Attachment, Ticket, TicketMessage, TicketStatus
from clientvault.support.services.tickets import close_ticket
from tests.accounts.personas import customer, staff, staff_client  # noqa: F401
from tests.support.staff_fixtures import PNG, a_ticket, queued_mail
from tests.support.tickets import CARD, CARD_DIGITS, text

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(ticket: Ticket) -> str:
    return reverse("support:staff_ticket_reply", args=[ticket.number])


def reply(client, ticket: Ticket, body: str, **data):
    fields = {"body": body, "kind": "reply", "status": "answered", **data}
    return client.post(url(ticket), fields, follow=True)


def stored(ticket: Ticket) -> list[str]:
    field = TicketMessage._meta.get_field("body")
    return [field.open(m) for m in ticket.messages.all()]  # type: ignore[attr-defined]


def test_a_card_number_is_removed_and_the_customers_mail_holds_none(customer, staff_client):
    ticket = a_ticket(customer)
    response = reply(staff_client(StaffRole.SUPPORT), ticket, f"Your card {CARD} is on file.")
    page = text(response)
    assert "Your reply was sent to the customer" in page
    assert "We removed 1 card number" in page
    assert CARD_DIGITS not in "".join(stored(ticket)).replace(" ", "")
    mail = queued_mail()
    assert [m["kind"] for m in mail] == ["support.ticket_reply"]
    assert mail[0]["to"] == "ada@example.com"
    assert "[card number removed]" in mail[0]["context"]["reply"]
    assert CARD_DIGITS not in str(mail).replace(" ", "")
    assert CARD not in page


def test_a_reply_answers_the_ticket_and_starts_no_clock_again(customer, staff_client):
    ticket = a_ticket(customer)
    reply(staff_client(StaffRole.SUPPORT), ticket, "Fixed: the PHP version was wrong.")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ANSWERED
    assert ticket.first_responded_at is not None


def test_a_reply_may_close_or_hold_the_ticket(customer, staff_client):
    client = staff_client(StaffRole.SUPPORT)
    held, closed = a_ticket(customer), a_ticket(customer)
    reply(client, held, "Waiting for the data centre.", status="on_hold")
    reply(client, closed, "Done, closing.", status="closed")
    held.refresh_from_db()
    closed.refresh_from_db()
    assert (held.status, closed.status) == (TicketStatus.ON_HOLD, TicketStatus.CLOSED)


def test_an_internal_note_is_mailed_to_nobody_and_leaves_the_status(customer, staff_client):
    ticket = a_ticket(customer)
    response = reply(staff_client(StaffRole.SUPPORT), ticket, "Check the DNS first.", kind="note")
    assert "Your internal note was added." in text(response)
    note = ticket.messages.get(internal=True)
    assert note.author_kind == "staff"
    assert queued_mail() == []
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN


def test_a_closed_ticket_refuses_a_reply_saying_why(customer, staff_client):
    ticket = a_ticket(customer)
    close_ticket(ticket=ticket, actor=customer.user)
    response = reply(staff_client(StaffRole.SUPPORT), ticket, "One more thing.")
    page = text(response)
    assert f"Ticket {ticket.number} is closed and takes no more replies." in page
    assert "This ticket is closed and takes no more replies or notes." in page
    assert ticket.messages.count() == 1
    assert queued_mail() == []


def test_an_empty_reply_is_refused_on_the_form(customer, staff_client):
    ticket = a_ticket(customer)
    response = reply(staff_client(StaffRole.SUPPORT), ticket, "   ")
    assert response.status_code == 200
    assert "Message: write the reply or the note." in text(response)
    assert ticket.messages.count() == 1


def test_files_are_stored_and_a_disguised_one_is_refused_by_name(customer, staff_client):
    ticket = a_ticket(customer)
    client = staff_client(StaffRole.SUPPORT)
    files = [SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("b.txt", b"a log line\n")]
    reply(client, ticket, "Two files.", attachments=files)
    assert Attachment.objects.filter(message__ticket=ticket).count() == 2
    bad = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00\x03\x00binary")
    response = reply(client, ticket, "A third.", attachments=[bad])
    assert "The file “invoice.pdf” is not a type we accept" in text(response)
    assert ticket.messages.count() == 2


def test_staff_who_do_not_read_the_department_cannot_reply(customer, staff_client):
    ticket = a_ticket(customer, department="privacy")
    response = staff_client(StaffRole.BILLING).post(url(ticket), {"body": "Hello", "kind": "reply"})
    assert response.status_code == 404
    assert ticket.messages.count() == 1
