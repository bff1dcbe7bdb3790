"""Opening, answering and moving tickets (COL-9), each in one transaction with its audit event.

Every text goes through :func:`clean_text` (size, then the kernel's redactor) before anything is
written, and files through :func:`check_files`; a refusal names its field and stores nothing.
Each step returns what it posted with the redactions, so the sender is told what was removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from clientvault.accounts.models import Customer, Person, PersonRole
from clientvault.hosting.models import Service
from clientvault.privacy.actors import Actor, actor_ref
from clientvault.privacy.redaction import Redaction
from clientvault.privacy.services.audit import record_event
from clientvault.support.errors import refuse
from clientvault.support.models import (
    DEPARTMENT_PURPOSE,
    FIRST_RESPONSE,
    AuthorKind,
    Correspondent,
    Department,
    Priority,
    Ticket,
    TicketChannel,
    TicketEvent,
    TicketMessage,
    TicketStatus,
    new_ticket_number,
)
from clientvault.support.services.attachments import CheckedFile, Upload, check_files, store_files
from clientvault.support.services.notices import notify_reply
from clientvault.support.services.texts import (
    MAX_MESSAGE,
    MAX_TITLE,
    Redacted,
    clean_text,
    counts_of,
)


@dataclass(frozen=True)
class Posted(Redacted):
    """A message as stored, and what was removed from what was sent (for the sender)."""

    message: TicketMessage
    redactions: tuple[Redaction, ...] = field(default=())

    @property
    def ticket(self) -> Ticket:
        return self.message.ticket


@dataclass(frozen=True)
class Author:
    kind: str
    person: Person | None = None
    staff: Actor | None = None


@dataclass(frozen=True)
class Draft:
    """What a message will hold, checked: its redacted text and its checked files."""

    body: Redaction
    files: tuple[CheckedFile, ...]

    @property
    def redactions(self) -> tuple[Redaction, ...]:
        return (self.body, *(f.redaction for f in self.files if f.redaction is not None))


def draft(*, body: str, files: Sequence[Upload] = ()) -> Draft:
    """Check and redact a message and its files before anything is written."""
    text = clean_text(body, field="body", limit=MAX_MESSAGE, label="message")
    return Draft(text, check_files(files))


def _owner(customer: Customer) -> Person:
    owner = customer.people.filter(role=PersonRole.OWNER).select_related("subject").first()
    if owner is None:
        raise refuse("customer", "The account has no owner to open a ticket for.")
    return owner


def _check_choice(value: str, choices: type[Department] | type[Priority], name: str) -> None:
    if value not in choices.values:
        known = ", ".join(choices.values)
        raise refuse(name, f"Choose a {name} from the list ({known}).", "invalid_choice")


def _check_service(service: Service | None, customer: Customer | None) -> None:
    if service is not None and (customer is None or service.customer_id != customer.pk):
        raise refuse("service", "That service is not on this account.", "not_found")


@dataclass(frozen=True)
class Opening:
    """A new ticket's checked details."""

    title: Redaction
    department: str
    priority: str
    channel: str


def opening(*, title: str, department: str, priority: str, channel: str) -> Opening:
    _check_choice(department, Department, "department")
    _check_choice(priority, Priority, "priority")
    cleaned = clean_text(title, field="title", limit=MAX_TITLE, label="title")
    return Opening(cleaned, department, priority, channel)


def _new_ticket(
    details: Opening,
    *,
    customer: Customer | None,
    correspondent: Correspondent | None,
    opened_by: Person | None,
    service: Service | None,
) -> Ticket:
    now = timezone.now()
    subject_id = correspondent.subject_id if correspondent else _owner(customer).subject_id  # type: ignore[arg-type]
    ticket = Ticket(
        customer=customer,
        correspondent=correspondent,
        subject_id=subject_id,
        opened_by=opened_by,
        service=service,
        department=details.department,
        priority=details.priority,
        channel=details.channel,
        title=details.title.text,
        opened_at=now,
        updated_at=now,
        first_response_due=now + FIRST_RESPONSE[details.priority],
    )
    _save_with_a_free_number(ticket)
    return ticket


def _save_with_a_free_number(ticket: Ticket, tries: int = 8) -> None:
    """Save a new ticket, drawing another random number while its number is taken."""
    for _ in range(tries - 1):
        if not Ticket.objects.filter(number=ticket.number).exists():
            break
        ticket.number = new_ticket_number()
    try:
        with transaction.atomic():  # a savepoint: a race lost leaves the caller's work intact
            ticket.save(force_insert=True)
    except IntegrityError:
        ticket.number = new_ticket_number()
        ticket.save(force_insert=True)


def _add_message(
    ticket: Ticket,
    author: Author,
    text: Draft,
    channel: str,
    *,
    internal: bool = False,
    mail_digest: str | None = None,
) -> TicketMessage:
    message = TicketMessage(
        ticket=ticket,
        author_kind=author.kind,
        author_person=author.person,
        author_staff=author.staff if author.kind == AuthorKind.STAFF else None,  # type: ignore[misc]
        internal=internal,
        body=text.body.text,
        removed=counts_of(*text.redactions),
        channel=channel,
        mail_digest=mail_digest,
        created_at=timezone.now(),
    )
    message.save()
    store_files(message, text.files)
    return message


def _audit(action: str, ticket: Ticket, actor: Actor | None, **details: str | int) -> None:
    record_event(
        action=action,
        actor=actor,
        subject_id=ticket.subject_id,
        purpose=DEPARTMENT_PURPOSE[ticket.department],
        obj=ticket,
        details={"ticket": ticket.number, **details},
    )


def _event(ticket: Ticket, kind: str, actor: Actor | None, old: str = "", new: str = "") -> None:
    TicketEvent.objects.create(
        ticket=ticket, kind=kind, old=old, new=new, actor_ref=actor_ref(actor), at=timezone.now()
    )


def open_ticket(
    *,
    person: Person,
    title: str,
    body: str,
    department: str,
    priority: str = Priority.NORMAL,
    service: Service | None = None,
    files: Sequence[Upload] = (),
    channel: str = TicketChannel.WEB,
    actor: Actor,
) -> Posted:
    """A customer's new ticket on their own account (the caller checked their permission)."""
    details = opening(title=title, department=department, priority=priority, channel=channel)
    _check_service(service, person.customer)
    text = draft(body=body, files=files)
    author = Author(AuthorKind.CUSTOMER, person=person)
    message = start_ticket(
        details=details,
        text=text,
        author=author,
        customer=person.customer,
        service=service,
        actor=actor,
    )
    return Posted(message, (details.title, *text.redactions))


def start_ticket(
    *,
    details: Opening,
    text: Draft,
    author: Author,
    customer: Customer | None,
    correspondent: Correspondent | None = None,
    service: Service | None = None,
    actor: Actor | None,
    mail_digest: str | None = None,
    **audited: str | int,
) -> TicketMessage:
    """A new ticket with its first message (both checked before: ``opening``, ``draft``), its
    event and its audit record, in one transaction: every way a ticket is opened ends here."""
    with transaction.atomic():
        ticket = _new_ticket(
            details,
            customer=customer,
            correspondent=correspondent,
            opened_by=author.person,
            service=service,
        )
        message = _add_message(ticket, author, text, details.channel, mail_digest=mail_digest)
        _event(ticket, TicketEvent.Kind.OPENED, actor, new=ticket.status)
        removed = _total(text)
        _audit(
            "support.ticket_opened",
            ticket,
            actor,
            channel=details.channel,
            removed=removed,
            **audited,
        )
    return message


def open_ticket_for_customer(
    *,
    customer: Customer,
    title: str,
    body: str,
    department: str,
    priority: str = Priority.NORMAL,
    staff: Actor,
) -> Posted:
    """A ticket staff open on an account (a caller's question, say), with the first message."""
    details = opening(
        title=title, department=department, priority=priority, channel=TicketChannel.STAFF
    )
    text = draft(body=body)
    author = Author(AuthorKind.STAFF, staff=staff)
    message = start_ticket(
        details=details, text=text, author=author, customer=customer, actor=staff
    )
    return Posted(message, (details.title, *text.redactions))


def _total(text: Draft) -> int:
    return sum(counts_of(*text.redactions).values())


def lock_ticket(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _check_open(ticket: Ticket) -> None:
    if ticket.is_closed:
        raise refuse(
            "body",
            f"Ticket {ticket.number} is closed and takes no more replies. Open a new ticket "
            "for a new question.",
            "closed",
        )


def _move(ticket: Ticket, to: str, actor: Actor | None) -> None:
    if ticket.status == to:
        return
    if not ticket.may_become(to):
        was = TicketStatus(ticket.status).label.lower()
        raise refuse(
            "status",
            f"A ticket that is {was} cannot become {TicketStatus(to).label.lower()}.",
            "conflict",
        )
    _event(ticket, TicketEvent.Kind.STATUS, actor, old=ticket.status, new=to)
    ticket.status = to
    if to == TicketStatus.CLOSED:
        ticket.closed_at = timezone.now()


def reply_as_customer(
    *,
    ticket: Ticket,
    person: Person | None,
    body: str,
    files: Sequence[Upload] = (),
    channel: str = TicketChannel.WEB,
    actor: Actor | None,
    mail_digest: str | None = None,
) -> Posted:
    """The customer's (or correspondent's) reply: the ticket waits for staff again."""
    _check_open(ticket)
    text = draft(body=body, files=files)
    kind = AuthorKind.CUSTOMER if person is not None else AuthorKind.CORRESPONDENT
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        _check_open(ticket)
        message = _add_message(
            ticket, Author(kind, person=person), text, channel, mail_digest=mail_digest
        )
        _move(ticket, TicketStatus.OPEN, actor)
        ticket.updated_at = timezone.now()
        ticket.save()
        _audit("support.customer_replied", ticket, actor, channel=channel, removed=_total(text))
    return Posted(message, text.redactions)


def reply_as_staff(
    *,
    ticket: Ticket,
    staff: Actor,
    body: str,
    files: Sequence[Upload] = (),
    internal: bool = False,
    status: str = TicketStatus.ANSWERED,
) -> Posted:
    """A staff reply (mailed to the customer) or an internal note (never shown to them)."""
    _check_open(ticket)
    text = draft(body=body, files=files)
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        _check_open(ticket)
        message = _add_message(
            ticket,
            Author(AuthorKind.STAFF, staff=staff),
            text,
            TicketChannel.STAFF,
            internal=internal,
        )
        now = timezone.now()
        if not internal:
            _move(ticket, status, staff)
            ticket.first_responded_at = ticket.first_responded_at or now
            notify_reply(ticket=ticket, message=message, reply=text.body.text)
        ticket.updated_at = now
        ticket.save()
        action = "support.note_added" if internal else "support.staff_replied"
        _audit(action, ticket, staff, removed=_total(text))
    return Posted(message, text.redactions)


def change_status(*, ticket: Ticket, status: str, actor: Actor) -> Ticket:
    """Move a ticket along ``TICKET_TRANSITIONS`` (closing it, putting it on hold...)."""
    if status not in TicketStatus.values:
        raise refuse("status", "Choose a status from the list.", "invalid_choice")
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        was = ticket.status
        _move(ticket, status, actor)
        ticket.updated_at = timezone.now()
        ticket.save()
        _audit("support.status_changed", ticket, actor, old=was, new=status)
    return ticket


def close_ticket(*, ticket: Ticket, actor: Actor) -> Ticket:
    return change_status(ticket=ticket, status=TicketStatus.CLOSED, actor=actor)


def set_priority(*, ticket: Ticket, priority: str, actor: Actor) -> Ticket:
    """A new priority restarts the first-response clock from the opening, if still unanswered."""
    _check_choice(priority, Priority, "priority")
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        _event(ticket, TicketEvent.Kind.PRIORITY, actor, old=ticket.priority, new=priority)
        ticket.priority = priority
        ticket.first_response_due = ticket.opened_at + FIRST_RESPONSE[priority]
        ticket.save()
        _audit("support.priority_changed", ticket, actor, new=priority)
    return ticket


def move_department(*, ticket: Ticket, department: str, actor: Actor) -> Ticket:
    _check_choice(department, Department, "department")
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        _event(ticket, TicketEvent.Kind.DEPARTMENT, actor, old=ticket.department, new=department)
        _audit("support.department_changed", ticket, actor, new=department)
        ticket.department = department
        ticket.assigned_to = None
        ticket.save()
    return ticket


def assign_ticket(*, ticket: Ticket, assignee: Actor | None, actor: Actor) -> Ticket:
    """Give the ticket to a staff member (``None``: to nobody)."""
    if assignee is not None and not getattr(assignee, "is_staff", False):
        raise refuse("assignee", "Tickets are assigned to staff members only.")
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        new = str(assignee.pk) if assignee is not None else ""
        _event(
            ticket, TicketEvent.Kind.ASSIGNED, actor, old=str(ticket.assigned_to_id or ""), new=new
        )
        ticket.assigned_to = assignee  # type: ignore[assignment]
        ticket.save()
        _audit("support.assigned", ticket, actor)
    return ticket


def rate_ticket(*, ticket: Ticket, rating: int, actor: Actor) -> Ticket:
    """The customer's satisfaction (1 to 5) with a closed ticket; changeable."""
    if not 1 <= rating <= 5:
        raise refuse("rating", "Choose a rating from 1 (poor) to 5 (excellent).", "invalid_choice")
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        if not ticket.is_closed:
            raise refuse("rating", "A ticket is rated once it is closed.", "conflict")
        was = str(ticket.rating or "")
        _event(ticket, TicketEvent.Kind.RATED, actor, old=was, new=str(rating))
        ticket.rating = rating
        ticket.save(update_fields=["rating"])
        _audit("support.rated", ticket, actor, rating=rating)
    return ticket
