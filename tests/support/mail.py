# ruff: noqa: F811  (the DNS server fixture imported from tests.messaging.dnsserver)
"""Shared pieces of the tests of tickets by e-mail: messages to the support address, and
reading what was stored (sealed fields opened as the vault would, not through reveal)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from django.db import models

from clientvault.messaging.inbound import Outcome, receive
from clientvault.messaging.inbound.parse import parse
from clientvault.messaging.models import Message
from clientvault.support.addresses import reply_address
from clientvault.support.models import Ticket, TicketMessage
from tests.messaging.dnsserver import dkim_key, dns_server, publish, sign  # noqa: F401

SUPPORT = "support@example.com"
STRANGER = "mallory@example.org"
CARD = "4111 1111 1111 1111"
CARD_DIGITS = "4111111111111111"


def letter(
    *,
    sender: str = STRANGER,
    to: str = SUPPORT,
    subject: str = "My site is down",
    text: str | None = "Hello, my site shows an error since this morning.\n",
    html: str | None = None,
    files: Iterable[tuple[str, bytes, str]] = (),
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
) -> bytes:
    """A message to support; ``files``: (name, content, declared type) each."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or f"<{uuid.uuid4().hex}@example.net>"
    for name, value in (headers or {}).items():
        message[name] = value
    if text is not None:
        message.set_content(text)
    if html is not None and text is not None:
        message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    for name, content, declared in files:
        maintype, _, subtype = declared.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes(policy=policy.SMTP)


def send(raw: bytes, *, to: str = SUPPORT) -> Outcome:
    return receive(raw, envelope_to=[to])


def reply_to(ticket: Ticket) -> str:
    return reply_address(ticket)


def opened(row: models.Model, field: str) -> str:
    """A sealed field's plain text, opened with its subject's key."""
    value: Any = type(row)._meta.get_field(field)
    return str(value.open(row))


def stored_texts() -> list[str]:
    """Every text the tickets and the outbox hold, opened."""
    texts = [opened(t, "title") for t in Ticket.objects.all()]
    texts += [opened(m, "body") for m in TicketMessage.objects.all()]
    for message in Message.objects.all():
        texts += [opened(message, f) for f in ("context", "headline", "body")]
    return texts


def only_ticket() -> Ticket:
    [ticket] = Ticket.objects.all()
    return ticket


@pytest.fixture
def vouched(dns_server: Any) -> Callable[[bytes], bytes]:
    """``vouched(raw)``: the message signed (DKIM) by its sender's domain, whose key the test
    DNS server publishes: mail the support address trusts to come from that address."""
    key = dkim_key()
    for domain in ("example.com", "example.net"):
        publish(dns_server, key, domain=domain)

    def sign_as_sender(raw: bytes) -> bytes:
        sender = parse(raw)["From"].addresses[0].domain
        return sign(raw, key, domain=sender)

    return sign_as_sender
