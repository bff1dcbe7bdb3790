"""Tickets by e-mail: who wrote, the ticket their message opens or joins, and the answer.

Someone on record (a person of an account with the support permission, found by the blind index
of the sender's address) opens a ticket on their account. Anyone else is a
:class:`Correspondent`: a subject of their own, their address sealed for it and found again by
its blind index, so their next message joins the same correspondent.

Files are screened one by one: a refused one (too big, a type not accepted, a name that lies
about its content, one too many) is left out with its reason, which the ticket's message and the
acknowledgement both state; the rest go through the ticket's own checks and redaction.

Acknowledgements are automatic answers (``Auto-Submitted: auto-replied``) with the ticket's
reply address as their Reply-To. At most ``ACKNOWLEDGEMENTS_PER_HOUR`` go to one address in an
hour, counted in the outbox by the address's blind index, so that a sender's autoresponder that
ignores RFC 3834 cannot keep one going with support's.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from clientvault.accounts.models import Person
from clientvault.messaging.kinds import Kind
from clientvault.messaging.models import Message
from clientvault.messaging.services.outbox import queue_message
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.fields import lookup
from clientvault.privacy.redaction import Redaction, redact
from clientvault.privacy.services.subjects import create_subject
from clientvault.support.addresses import reply_address
from clientvault.support.messages import ACKNOWLEDGEMENTS, REPLY_RECEIVED, TICKET_RECEIVED
from clientvault.support.models import (
    AuthorKind,
    Correspondent,
    Department,
    Priority,
    Ticket,
    TicketChannel,
)
from clientvault.support.services.attachments import MAX_FILES, Upload, check_file
from clientvault.support.services.mail_reading import Letter
from clientvault.support.services.texts import MAX_TITLE
from clientvault.support.services.tickets import (
    Author,
    Posted,
    draft,
    opening,
    reply_as_customer,
    start_ticket,
)

MAIL = SystemActor("inbound-mail")
ACKNOWLEDGEMENTS_PER_HOUR = 5
MAX_NAME = 200


@dataclass(frozen=True)
class Screened:
    """The files of a message: those kept, and a sentence for each one left out."""

    files: tuple[Upload, ...]
    refused: tuple[str, ...]

    @property
    def note(self) -> str:
        """The list of files left out, one a line ("" for none)."""
        return "\n".join(f"- {reason}" for reason in self.refused)


def screen_files(uploads: Sequence[Upload]) -> Screened:
    kept: list[Upload] = []
    refused: list[str] = []
    for upload in uploads:
        if len(kept) == MAX_FILES:
            refused.append(f"\u201c{upload.name}\u201d: at most {MAX_FILES} files are kept.")
            continue
        try:
            check_file(upload)
        except ValidationError as error:
            refused.append(error.messages[0])
            continue
        kept.append(upload)
    return Screened(tuple(kept), tuple(refused))


def body_with_note(letter: Letter, screened: Screened, *, follows: Ticket | None = None) -> str:
    """The message's text as stored: what it answers, the text, the files left out."""
    parts = [letter.body]
    if follows is not None:
        parts.insert(0, f"(In reply to ticket {follows.number}, which is closed.)")
    if screened.refused:
        parts.append(f"(Files not kept:\n{screened.note})")
    return "\n\n".join(parts)


def correspondent_for(*, address: str, name: str) -> Correspondent:
    """The correspondent writing from ``address`` (by its blind index), or a new one."""
    found = Correspondent.objects.filter(**lookup(Correspondent, "email_index", address))
    correspondent = found.select_related("subject").first()
    if correspondent is not None and not correspondent.subject.is_erased:
        return correspondent
    subject = create_subject(actor=MAIL)
    return Correspondent.objects.create(subject=subject, email=address, name=name[:MAX_NAME])


def may_write_to(ticket: Ticket, *, person: Person | None, address: str) -> bool:
    """Whether the sender is the ticket's correspondent or a person of its account."""
    if ticket.correspondent is not None:
        index = lookup(Correspondent, "email_index", address)["email_index"]
        return bool(index == ticket.correspondent.email_index)
    return person is not None and person.customer_id == ticket.customer_id


def _title(letter: Letter) -> Redaction:
    """The subject line, its secrets removed before it is shortened (never half a secret)."""
    redaction = redact(letter.title)
    cut = redaction.text if len(redaction.text) <= MAX_TITLE else redaction.text[: MAX_TITLE - 1]
    shortened = cut if cut == redaction.text else cut.rstrip() + "\u2026"
    return Redaction(shortened, redaction.findings)


def open_ticket_by_mail(
    *,
    letter: Letter,
    body: str,
    files: Sequence[Upload],
    person: Person | None,
    correspondent: Correspondent | None,
    mail_digest: str,
    dkim: str,
) -> Posted:
    """A ticket opened by e-mail, on the sender's account or for their correspondent."""
    title = _title(letter)
    details = opening(
        title=title.text,
        department=Department.SUPPORT,
        priority=Priority.NORMAL,
        channel=TicketChannel.EMAIL,
    )
    text = draft(body=body, files=files)
    kind = AuthorKind.CUSTOMER if person is not None else AuthorKind.CORRESPONDENT
    message = start_ticket(
        details=details,
        text=text,
        author=Author(kind, person=person),
        customer=person.customer if person is not None else None,
        correspondent=correspondent,
        actor=MAIL,
        mail_digest=mail_digest,
        dkim=dkim,
    )
    return Posted(message, (title, *text.redactions))


def reply_by_mail(
    *, ticket: Ticket, person: Person | None, body: str, files: Sequence[Upload], mail_digest: str
) -> Posted:
    return reply_as_customer(
        ticket=ticket,
        person=person,
        body=body,
        files=files,
        channel=TicketChannel.EMAIL,
        actor=MAIL,
        mail_digest=mail_digest,
    )


def recent_acknowledgements(address: str, *, now: datetime.datetime | None = None) -> int:
    since = (now or timezone.now()) - datetime.timedelta(hours=1)
    sent = Message.objects.filter(kind__in=ACKNOWLEDGEMENTS, queued_at__gte=since)
    return sent.filter(**lookup(Message, "to_index", address)).count()


def acknowledge(
    *,
    posted: Posted,
    screened: Screened,
    to: str,
    subject_id: uuid.UUID,
    key: str,
    opened: bool,
    follows: Ticket | None = None,
) -> bool:
    """Tell the sender the ticket their message ``opened`` (or joined), what was removed from
    it and which files were left out; False when the address had its share this hour."""
    if recent_acknowledgements(to) >= ACKNOWLEDGEMENTS_PER_HOUR:
        return False
    ticket = posted.ticket
    context = {
        "number": ticket.number,
        "removed": posted.explanation,
        "refused": screened.note,
        "reply_to": reply_address(ticket),
    }
    kind: Kind = TICKET_RECEIVED if opened else REPLY_RECEIVED
    if opened:
        context["follows"] = follows.number if follows else ""
    queue_message(subject_id=subject_id, to=to, kind=kind.key, context=context, key=key)
    return True
