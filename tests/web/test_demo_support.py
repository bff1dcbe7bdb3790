"""The demo's support desk: open, on-hold and closed tickets, one with a card number removed,
which is nowhere in the database, the outbox or the log."""

from __future__ import annotations

import logging
from io import StringIO

import pytest
from django.core.management import call_command

from clientvault.messaging.models import Message
from clientvault.support.models import (
    Review,
    ReviewAction,
    Thread,
    Ticket,
    TicketMessage,
    TicketStatus,
)
from clientvault.web.demo_support import DEMO_CARD
from tests.e2e.test_support_ticket import every_text_column

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
DIGITS = DEMO_CARD.replace(" ", "")


def test_the_demo_has_tickets_and_keeps_no_card_number(settings, tmp_path, caplog):
    settings.DEBUG = True
    settings.TEST_GATEWAY_STATE = tmp_path / "testgateway.sqlite3"
    with caplog.at_level(logging.DEBUG):
        call_command("demo", stdout=StringIO())

    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {TicketStatus.OPEN, TicketStatus.ON_HOLD, TicketStatus.CLOSED} <= statuses
    redacted = TicketMessage.objects.exclude(removed={}).get()
    assert redacted.removed == {"card": 1}
    assert DIGITS not in every_text_column().replace(" ", "")
    assert DIGITS not in caplog.text.replace(" ", "")
    field = Message._meta.get_field("body")
    sent = [field.open(m) for m in Message.objects.filter(kind="support.ticket_reply")]  # type: ignore[attr-defined]
    assert sent
    assert all(DIGITS not in text.replace(" ", "") for text in sent)
    by_mail = Ticket.objects.get(correspondent__isnull=False)
    assert by_mail.channel == "email"
    assert Review.objects.get().action == ReviewAction.HIDDEN
    assert Thread.objects.filter(posts__isnull=False).exists()
    before = Ticket.objects.count()
    call_command("demo", stdout=StringIO())
    assert Ticket.objects.count() == before
