# ruff: noqa: F811  (pytest fixtures imported from mailutil)
"""Tickets by e-mail through the real mail listener (``clientvault mail serve``): a real SMTP
client delivers to the support address and to a ticket's reply address."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator

import pytest

from clientvault.messaging.inbound.listener import Listener
from clientvault.support.models import Ticket
from tests.accounts.mailutil import body, deliver_mail, free_port, smtp_server  # noqa: F401
from tests.support.mail import (
    CARD,
    CARD_DIGITS,
    STRANGER,
    SUPPORT,
    letter,
    only_ticket,
    opened,
    reply_to,
    stored_texts,
)

# The listener acts in its own thread, with its own database connection.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "keys"])


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener(host="127.0.0.1", port=free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def deliver(server: Listener, raw: bytes, *, to: str = SUPPORT) -> tuple[int, str]:
    with smtplib.SMTP(server.hostname, server.port, timeout=10) as client:
        client.ehlo()
        client.mail(STRANGER)
        code, text = client.rcpt(to)
        if code >= 400:
            return code, text.decode()
        code, text = client.data(raw)
        return code, text.decode()


def test_a_strangers_mail_opens_a_ticket_and_is_acknowledged_with_its_reply_address(
    listener, smtp_server
):
    assert deliver(listener, letter()) == (250, "2.0.0 Ticket opened (DKIM absent).")
    ticket = only_ticket()
    assert ticket.correspondent is not None
    assert deliver_mail() == 1
    sent = smtp_server.wait_for(STRANGER)
    assert sent["Reply-To"] == reply_to(ticket)
    assert ticket.number in body(sent)


def test_a_reply_to_the_reply_address_is_taken_at_rcpt_and_joins_the_ticket(listener):
    deliver(listener, letter())
    ticket = only_ticket()
    code, text = deliver(listener, letter(text="Still broken."), to=reply_to(ticket))
    assert (code, text) == (250, "2.0.0 Reply added to its ticket (DKIM absent).")
    assert ticket.messages.count() == 2
    assert opened(ticket.messages.last(), "body") == "Still broken."


def test_an_auto_reply_is_answered_250_and_dropped(listener):
    auto = letter(headers={"Auto-Submitted": "auto-replied"})
    assert deliver(listener, auto)[0] == 250
    assert not Ticket.objects.exists()


def test_an_empty_message_is_refused_with_its_reason(listener):
    assert deliver(listener, letter(text="")) == (
        550,
        "5.6.0 The message has no text: write your question in the message itself and send "
        "it again.",
    )
    assert not Ticket.objects.exists()


def test_a_card_number_sent_by_mail_is_stored_nowhere(listener, smtp_server):
    deliver(listener, letter(subject=f"card {CARD}", text=f"My card is {CARD}, expiring soon."))
    deliver_mail()
    assert "[card number removed]" in opened(only_ticket().messages.get(), "body")
    texts = "\n".join(stored_texts()).replace(" ", "")
    assert CARD_DIGITS not in texts
    assert CARD_DIGITS not in body(smtp_server.wait_for(STRANGER)).replace(" ", "")
