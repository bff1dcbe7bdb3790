# ruff: noqa: F811  (pytest fixtures imported from mailutil and personas)
"""A staff reply is mailed with the ticket's reply address as its Reply-To, and an answer to it
joins the ticket (support.services.notices)."""

from __future__ import annotations

import pytest

from clientvault.messaging.inbound import Action
from clientvault.support.models import TicketStatus
from clientvault.support.services.tickets import reply_as_staff
from tests.accounts.mailutil import body, deliver_mail, smtp_server  # noqa: F401
from tests.accounts.personas import OWNER_DETAILS, customer, make_staff  # noqa: F401
from tests.support.mail import (  # noqa: F401
    STRANGER,
    dns_server,
    letter,
    only_ticket,
    opened,
    reply_to,
    send,
    vouched,
)

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
ADA = OWNER_DETAILS["email"]


def test_a_staff_reply_routes_answers_back_to_the_ticket(smtp_server):
    send(letter())
    ticket = only_ticket()
    deliver_mail()
    reply_as_staff(ticket=ticket, staff=make_staff("support"), body="Please clear your cache.")
    deliver_mail()
    sent = smtp_server.to(STRANGER)[-1]
    assert sent["Subject"] == f"[{ticket.number}] A reply to your ticket"
    assert sent["Reply-To"] == reply_to(ticket)
    assert sent["Auto-Submitted"] is None  # a person wrote it
    assert "Please clear your cache." in body(sent)
    assert "To answer, reply to this e-mail." in body(sent)
    answer = letter(subject=f"Re: {sent['Subject']}", text="Done, it works.")
    assert send(answer, to=str(sent["Reply-To"])).action == Action.TICKET_REPLIED
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    assert opened(ticket.messages.last(), "body") == "Done, it works."


def test_a_customers_reply_mail_links_the_area_and_routes_answers_too(
    customer, smtp_server, vouched
):
    send(vouched(letter(sender=ADA)))
    ticket = only_ticket()
    deliver_mail()
    reply_as_staff(ticket=ticket, staff=make_staff("support"), body="Done.")
    deliver_mail()
    sent = smtp_server.to(ADA)[-1]
    assert sent["Reply-To"] == reply_to(ticket)
    assert f"/{ticket.number}" in body(sent)
    assert "You can also answer by replying to this e-mail." in body(sent)


def test_a_teammate_without_support_any_more_gets_no_reply_the_owner_does(customer, teammate):
    from clientvault.support.services.notices import recipient
    from tests.support.tickets import a_ticket

    ticket = a_ticket(teammate)
    teammate.permissions = ["billing"]
    teammate.save()
    ticket.refresh_from_db()

    assert recipient(ticket) == (customer.subject_id, "ada@example.com")
