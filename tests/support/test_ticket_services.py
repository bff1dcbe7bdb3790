"""Opening, answering and moving tickets: redaction before storage, the workflow, the clock."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from clientvault.hosting.services.catalogue import ensure_catalogue
from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.models import AuditEvent
from clientvault.support.models import (
    Department,
    Priority,
    Ticket,
    TicketEvent,
    TicketMessage,
    TicketStatus,
)
from clientvault.support.services.tickets import (
    change_status,
    close_ticket,
    open_ticket,
    rate_ticket,
    reply_as_customer,
    reply_as_staff,
    set_priority,
)
from tests.hosting.support import make_service
from tests.support.tickets import CARD, CARD_DIGITS, a_ticket, opened

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_it_opens_a_ticket_on_the_account_sealed_for_its_owner(customer):
    ticket = a_ticket(customer)

    assert ticket.customer == customer.customer
    assert ticket.subject_id == customer.subject_id
    assert ticket.status == TicketStatus.OPEN
    assert ticket.number.startswith("T-")
    message = ticket.messages.get()
    assert opened(message) == "Since this morning example.com answers 500."
    assert AuditEvent.objects.filter(action="support.ticket_opened").count() == 1


def test_a_teammates_ticket_is_sealed_for_the_account_owner(teammate, customer):
    ticket = a_ticket(teammate)

    assert ticket.subject_id == customer.subject_id
    assert ticket.opened_by == teammate


def test_it_removes_a_card_number_before_storing_and_says_so(customer):
    posted = open_ticket(
        person=customer,
        title="Payment problem",
        body=f"Please charge my card {CARD} exp 08/29 again.",
        department=Department.BILLING,
        actor=customer.user,
    )

    stored = opened(posted.message)
    assert CARD not in stored
    assert CARD_DIGITS not in stored.replace(" ", "")
    assert "[card number removed]" in stored
    assert posted.removed == {"card": 1}
    assert posted.message.removed == {"card": 1}
    assert "card number" in posted.explanation


def test_it_refuses_an_empty_message_and_stores_nothing(customer):
    with pytest.raises(ValidationError) as refused:
        open_ticket(
            person=customer, title="Help", body="   ", department="support", actor=customer.user
        )

    assert "body" in refused.value.message_dict
    assert not Ticket.objects.exists()


def test_it_refuses_a_huge_message(customer):
    with pytest.raises(ValidationError) as refused:
        open_ticket(
            person=customer,
            title="Log",
            body="x" * 20_001,
            department="support",
            actor=customer.user,
        )

    assert "too long" in refused.value.message_dict["body"][0]
    assert not TicketMessage.objects.exists()


def test_it_refuses_an_unknown_department(customer):
    with pytest.raises(ValidationError) as refused:
        open_ticket(
            person=customer, title="Hi", body="Hello", department="sales", actor=customer.user
        )

    assert "department" in refused.value.message_dict


def test_it_refuses_a_service_of_another_account(customer, outsider):
    ensure_catalogue()
    theirs = make_service(outsider)

    with pytest.raises(ValidationError) as refused:
        open_ticket(
            person=customer,
            title="Hi",
            body="Hello",
            department="support",
            service=theirs,
            actor=customer.user,
        )

    assert "not on this account" in refused.value.message_dict["service"][0]
    assert not Ticket.objects.exists()


def test_a_staff_reply_answers_and_stops_the_clock(customer, staff):
    ticket = a_ticket(customer)
    agent = staff("support")

    reply_as_staff(ticket=ticket, staff=agent, body="We restarted PHP; it works again.")

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ANSWERED
    assert ticket.first_responded_at is not None


def test_an_internal_note_does_not_answer(customer, staff):
    ticket = a_ticket(customer)

    reply_as_staff(
        ticket=ticket, staff=staff("support"), body="Looks like a PHP crash.", internal=True
    )

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    assert ticket.first_responded_at is None


def test_the_customers_reply_reopens_an_answered_ticket(customer, staff):
    ticket = a_ticket(customer)
    reply_as_staff(ticket=ticket, staff=staff("support"), body="Fixed?")

    reply_as_customer(ticket=ticket, person=customer, body="Still broken.", actor=customer.user)

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN


def test_it_refuses_a_reply_to_a_closed_ticket(customer):
    ticket = close_ticket(ticket=a_ticket(customer), actor=customer.user)

    with pytest.raises(ValidationError) as refused:
        reply_as_customer(
            ticket=ticket, person=customer, body="One more thing", actor=customer.user
        )

    assert "closed" in refused.value.message_dict["body"][0]
    assert ticket.messages.count() == 1


def test_a_closed_ticket_cannot_be_reopened(customer):
    ticket = close_ticket(ticket=a_ticket(customer), actor=customer.user)

    with pytest.raises(ValidationError) as refused:
        change_status(ticket=ticket, status=TicketStatus.OPEN, actor=SYSTEM)

    assert "cannot become" in refused.value.message_dict["status"][0]


def test_a_priority_sets_the_first_response_clock(customer):
    ticket = a_ticket(customer)
    assert ticket.first_response_due - ticket.opened_at == datetime.timedelta(hours=24)

    ticket = set_priority(ticket=ticket, priority=Priority.URGENT, actor=SYSTEM)

    assert ticket.first_response_due - ticket.opened_at == datetime.timedelta(hours=1)
    assert ticket.events.filter(kind=TicketEvent.Kind.PRIORITY).exists()


def test_a_ticket_is_rated_only_once_closed(customer):
    ticket = a_ticket(customer)
    with pytest.raises(ValidationError):
        rate_ticket(ticket=ticket, rating=5, actor=customer.user)

    ticket = rate_ticket(
        ticket=close_ticket(ticket=ticket, actor=customer.user), rating=4, actor=customer.user
    )

    assert ticket.rating == 4


def test_a_taken_number_is_drawn_again(customer, monkeypatch):
    first = a_ticket(customer)
    taken = int(first.number.removeprefix("T-")) - 100_000
    draws = iter([taken, taken, 122_222])
    monkeypatch.setattr(
        "clientvault.support.models.tickets.secrets.randbelow", lambda n: next(draws)
    )

    second = a_ticket(customer)

    assert second.number == "T-222222"


def test_a_card_number_the_redactor_leaves_is_refused_not_stored(customer):
    with pytest.raises(ValidationError) as refused:
        open_ticket(
            person=customer,
            title="Card",
            body="It is 4242-4242 4242-4242, charged twice.",
            department="billing",
            actor=customer.user,
        )

    assert "looks like a payment card number" in refused.value.message_dict["body"][0]
    assert not Ticket.objects.exists()


def test_a_title_too_long_once_redacted_is_refused_on_its_field(customer):
    title = "x" * 140 + " cvc 123"
    with pytest.raises(ValidationError) as refused:
        open_ticket(
            person=customer,
            title=f"4242 4242 4242 4242 {title}"[:150],
            body="Hello",
            department="billing",
            actor=customer.user,
        )

    assert "title" in refused.value.message_dict
