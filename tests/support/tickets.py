"""Helpers for support's tests: tickets opened through the real services, page text."""

from __future__ import annotations

import html
import re
from typing import Any

from clientvault.accounts.models import Person
from clientvault.support.models import Ticket, TicketMessage
from clientvault.support.services.tickets import open_ticket

CARD = "4242 4242 4242 4242"
CARD_DIGITS = "4242424242424242"


def text(response: Any) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def a_ticket(
    person: Person,
    *,
    title: str = "My site shows a 500 error",
    body: str = "Since this morning example.com answers 500.",
    **kw: Any,
) -> Ticket:
    posted = open_ticket(
        person=person,
        title=title,
        body=body,
        department=kw.pop("department", "support"),
        actor=person.user,  # type: ignore[arg-type]
        **kw,
    )
    return posted.ticket


def opened(message: TicketMessage) -> str:
    """A message's stored text, opened as the kernel would (for assertions only)."""
    field = TicketMessage._meta.get_field("body")
    return field.open(message)  # type: ignore[attr-defined,no-any-return]


def a_ticket_with_file(person: Person) -> Any:
    """A ticket of ``person``'s account with one PNG attachment; returns the attachment."""
    from clientvault.support.services.attachments import Upload

    posted = open_ticket(
        person=person,
        title="Screenshot",
        body="See the picture.",
        department="support",
        files=[Upload("shot.png", b"\x89PNG\r\n\x1a\n" + b"\x01" * 16)],
        actor=person.user,  # type: ignore[arg-type]
    )
    return posted.message.files.get()
