"""Finding tickets through their owner, and reading them with the right purpose."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from clientvault.accounts.models import Person
from clientvault.privacy.actors import Actor
from clientvault.privacy.redaction import SecretKind
from clientvault.privacy.reveal import reveal
from clientvault.privacy.taxonomy import Purpose
from clientvault.support.models import (
    Attachment,
    Ticket,
    TicketMessage,
    Visibility,
)

PAGE_SIZE = 20


def tickets_of(person: Person) -> QuerySet[Ticket]:
    return Ticket.objects.filter(customer_id=person.customer_id).order_by("-updated_at")


def own_ticket(person: Person, number: str) -> Ticket:
    """The account's ticket ``number``; 404 for any other (another account's included)."""
    ticket = tickets_of(person).filter(number=number).first()
    if ticket is None:
        raise Http404("No such ticket on your account.")
    return ticket


@dataclass(frozen=True)
class ShownMessage:
    message: TicketMessage
    body: str
    files: list[Attachment]

    @property
    def removed(self) -> str:
        """What the redactor took out, in words ("1 card number, 2 passwords"); "" if nothing."""
        return removed_text(self.message.removed)


def removed_text(removed: dict[str, int]) -> str:
    labels = dict(SecretKind.choices)
    parts = [
        f"{count} {labels.get(kind, kind)}{'' if count == 1 else 's'}"
        for kind, count in removed.items()
    ]
    return ", ".join(parts)


def _body(message: TicketMessage, purpose: str, actor: Actor) -> str:
    if message.visibility == Visibility.DELETED:
        return ""
    return reveal(message, "body", purpose, actor)


def read_messages(
    ticket: Ticket, *, actor: Actor, purpose: str, internal: bool
) -> list[ShownMessage]:
    """The ticket's messages with their texts, each read through ``reveal`` (audited).

    ``internal``: include staff notes (staff only). A deleted message keeps its place, without
    its text; a hidden one is shown to staff and to its author's account, marked as hidden.
    """
    rows = ticket.messages.select_related("author_person", "author_staff").prefetch_related(
        "files", "reviews"
    )
    if not internal:
        rows = rows.filter(internal=False)
    return [ShownMessage(m, _body(m, purpose, actor), _files(m)) for m in rows]


def _files(message: TicketMessage) -> list[Attachment]:
    """The message's files; none once review deleted the message."""
    return [] if message.visibility == Visibility.DELETED else list(message.files.all())


def read_title(ticket: Ticket, *, actor: Actor, purpose: str = Purpose.SUPPORT) -> str:
    return reveal(ticket, "title", purpose, actor)


def titles(tickets: Any, *, actor: Actor, purpose: str = Purpose.SUPPORT) -> dict[Any, str]:
    return {t.pk: read_title(t, actor=actor, purpose=purpose) for t in tickets}
