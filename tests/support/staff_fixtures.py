"""For the back office's ticket tests: tickets made through the real services (with files, a
priority), a ticket from someone who wrote in by e-mail, the walks' ticket and file, the
outbox's queued mail, what the audit log recorded. (Card numbers and a page's text:
``tests.support.tickets``.)"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from clientvault.accounts.models import Person, User
from clientvault.messaging.models import Message, Status
from clientvault.privacy.models import AuditEvent
from clientvault.privacy.services.subjects import create_subject
from clientvault.support.models import (
    FIRST_RESPONSE,
    Attachment,
    Correspondent,
    Priority,
    Ticket,
    TicketChannel,
    TicketMessage,
)
from clientvault.support.services.attachments import Upload, check_files, store_files
from clientvault.support.services.tickets import open_ticket

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
TITLE = "My site shows a 500 error"
BODY = "Since this morning example.com answers 500 to every visitor."


def a_ticket(
    person: Person,
    *,
    department: str = "support",
    title: str = TITLE,
    body: str = BODY,
    priority: str = Priority.NORMAL,
    files: Sequence[Upload] = (),
) -> Ticket:
    """A ticket the person opened in the customer area (through the real service)."""
    posted = open_ticket(
        person=person,
        title=title,
        body=body,
        department=department,
        priority=priority,
        files=files,
        actor=person.user,  # type: ignore[arg-type]
    )
    return posted.ticket


def the_ticket(person: Person) -> Ticket:
    """The account's first ticket (made, with a screenshot, if it has none): for the walks."""
    found = Ticket.objects.filter(customer_id=person.customer_id).order_by("opened_at").first()
    return found or a_ticket(person, files=[Upload("screen.png", PNG)])


def an_attachment(person: Person) -> Attachment:
    """A file of the account's first ticket: for the walks."""
    ticket = the_ticket(person)
    found = Attachment.objects.filter(message__ticket=ticket).first()
    if found is not None:
        return found
    message = ticket.messages.first()
    assert message is not None
    return store_files(message, check_files([Upload("screen.png", PNG)]))[0]


def an_email_ticket(*, department: str = "support", title: str = "Question") -> Ticket:
    """A ticket of someone without an account who wrote to the support address."""
    correspondent = Correspondent.objects.create(
        subject=create_subject(actor=None), email="walter@example.org"
    )
    now = timezone.now()
    ticket = Ticket(
        correspondent=correspondent,
        subject_id=correspondent.subject_id,
        department=department,
        channel=TicketChannel.EMAIL,
        title=title,
        opened_at=now,
        updated_at=now,
        first_response_due=now + FIRST_RESPONSE[Priority.NORMAL],
    )
    ticket.save()
    TicketMessage.objects.create(
        ticket=ticket,
        author_kind="correspondent",
        body="Do you host e-mail too?",
        channel=TicketChannel.EMAIL,
        created_at=now,
    )
    return ticket


def queued_mail() -> list[dict[str, Any]]:
    """The outbox's waiting messages, oldest first: kind, recipient and context (as stored)."""
    rows = Message.objects.filter(status=Status.QUEUED).order_by("queued_at")
    return [
        {"kind": r.kind, "to": str(r.to), "context": json.loads(str(r.context or "{}"))}
        for r in rows
    ]


def reveals(actor: User, model: str = "", field: str = "") -> list[AuditEvent]:
    """The audited reveals made by ``actor`` (of ``model``'s ``field``, when given)."""
    rows = AuditEvent.objects.filter(action="reveal", actor_id=f"user:{actor.pk}")
    return [
        e
        for e in rows.order_by("seq")
        if (not model or e.details.get("model") == model)
        and (not field or e.details.get("field") == field)
    ]
