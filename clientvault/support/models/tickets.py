"""Tickets: a conversation between a customer (or someone who wrote in) and the operator's staff.

A ticket belongs to the account it concerns; one written by e-mail from someone without an
account belongs to its correspondent. Every text in it (its title, each message, each
attachment) is communications content (COL-9): sealed for the ticket owner's subject, read only
through ``reveal`` with the department's purpose, and free of secrets, which the kernel's
redactor took out before anything was stored.
"""

from __future__ import annotations

import datetime
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from clientvault.privacy.fields import BlindIndexField, VaultField
from clientvault.privacy.models import Subject
from clientvault.privacy.taxonomy import Purpose


class Department(models.TextChoices):
    SUPPORT = "support", "Technical support"
    BILLING = "billing", "Billing"
    ABUSE = "abuse", "Abuse reports"
    PRIVACY = "privacy", "Privacy"


# The purpose staff need to read a department's tickets (REV-1: no one else reads them).
DEPARTMENT_PURPOSE: dict[str, str] = {
    Department.SUPPORT: Purpose.SUPPORT,
    Department.BILLING: Purpose.BILLING,
    Department.ABUSE: Purpose.SUPPORT,
    Department.PRIVACY: Purpose.LEGAL_OBLIGATION,
}


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


# The service-level clock: how long staff have to give a first answer, by priority.
FIRST_RESPONSE: dict[str, datetime.timedelta] = {
    Priority.LOW: datetime.timedelta(hours=72),
    Priority.NORMAL: datetime.timedelta(hours=24),
    Priority.HIGH: datetime.timedelta(hours=4),
    Priority.URGENT: datetime.timedelta(hours=1),
}


class TicketStatus(models.TextChoices):
    OPEN = "open", "Waiting for staff"
    ANSWERED = "answered", "Answered: waiting for the customer"
    ON_HOLD = "on_hold", "On hold"
    CLOSED = "closed", "Closed"


# The ticket workflow. A closed ticket takes no more replies: a new question is a new ticket.
TICKET_TRANSITIONS: dict[str, frozenset[str]] = {
    TicketStatus.OPEN: frozenset(
        {TicketStatus.ANSWERED, TicketStatus.ON_HOLD, TicketStatus.CLOSED}
    ),
    TicketStatus.ANSWERED: frozenset(
        {TicketStatus.OPEN, TicketStatus.ON_HOLD, TicketStatus.CLOSED}
    ),
    TicketStatus.ON_HOLD: frozenset(
        {TicketStatus.OPEN, TicketStatus.ANSWERED, TicketStatus.CLOSED}
    ),
    TicketStatus.CLOSED: frozenset(),
}


class TicketChannel(models.TextChoices):
    WEB = "web", "Customer area"
    EMAIL = "email", "E-mail"
    API = "api", "API"
    STAFF = "staff", "Opened by staff"


def new_ticket_number() -> str:
    return f"T-{secrets.randbelow(900_000) + 100_000}"


def new_reply_token() -> str:
    """32 hex digits (128 bits): fits the field, and the reply address's local part (64)."""
    return secrets.token_hex(16)


class Correspondent(models.Model):
    """Someone without an account who wrote to the support address: a subject of their own."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.OneToOneField(Subject, on_delete=models.PROTECT, related_name="+")
    email = VaultField()
    email_index = BlindIndexField(source="email", normaliser="email")
    name = VaultField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"correspondent {self.subject_id}"


class Ticket(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=12, unique=True, default=new_ticket_number)
    # The account it concerns; none for a message from someone without an account.
    customer = models.ForeignKey(
        "accounts.Customer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tickets",
    )
    correspondent = models.ForeignKey(
        Correspondent, null=True, blank=True, on_delete=models.CASCADE, related_name="tickets"
    )
    # The ticket owner's subject (the account owner's, or the correspondent's): its texts are
    # sealed for it and shredded with it.
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    service = models.ForeignKey(
        "hosting.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.CharField(max_length=10, choices=Department.choices)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(
        max_length=10, choices=TicketStatus.choices, default=TicketStatus.OPEN
    )
    channel = models.CharField(max_length=8, choices=TicketChannel.choices)
    title = VaultField(restricted=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField()
    first_response_due = models.DateTimeField()
    first_responded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    # The secret in the Reply-To address of the ticket's mail: a reply by e-mail names it.
    reply_token = models.CharField(max_length=32, unique=True, default=new_reply_token)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["department", "status", "-updated_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(department__in=Department.values), name="ticket_department"
            ),
            models.CheckConstraint(
                condition=Q(status__in=TicketStatus.values), name="ticket_status"
            ),
            models.CheckConstraint(
                condition=Q(priority__in=Priority.values), name="ticket_priority"
            ),
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | Q(correspondent__isnull=False),
                name="ticket_has_an_owner",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="ticket_rating_range",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(status=TicketStatus.CLOSED),
                name="ticket_rated_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def purpose(self) -> str:
        return DEPARTMENT_PURPOSE[self.department]

    def may_become(self, status: str) -> bool:
        return status in TICKET_TRANSITIONS[self.status]

    @property
    def is_closed(self) -> bool:
        return self.status == TicketStatus.CLOSED

    def is_overdue(self, now: datetime.datetime) -> bool:
        return (
            self.first_responded_at is None and not self.is_closed and now > self.first_response_due
        )


class AuthorKind(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    CORRESPONDENT = "correspondent", "Correspondent"
    STAFF = "staff", "Staff"


class Visibility(models.TextChoices):
    """What acceptable-use review left of a communication (REV-1)."""

    VISIBLE = "visible", "Shown"
    HIDDEN = "hidden", "Hidden after review"
    DELETED = "deleted", "Deleted after review"


class TicketMessage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=14, choices=AuthorKind.choices)
    author_person = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    internal = models.BooleanField(default=False)  # a staff note the customer never sees
    body = VaultField(subject="ticket__subject", restricted=True, blank=True)
    # What the redactor removed, by kind ({"card": 1}): counts only, never the secret.
    removed = models.JSONField(default=dict, blank=True)
    channel = models.CharField(max_length=8, choices=TicketChannel.choices)
    # A digest of the e-mail's Message-ID, so a message delivered twice is taken once.
    mail_digest = models.CharField(max_length=64, null=True, blank=True, unique=True)
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.VISIBLE
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(internal=True) | Q(author_kind=AuthorKind.STAFF),
                name="ticket_note_by_staff",
            ),
        ]

    def __str__(self) -> str:
        return f"message on {self.ticket_id}"


class Attachment(models.Model):
    """A file sent with a message, checked by its content and sealed for the ticket owner."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(TicketMessage, on_delete=models.CASCADE, related_name="files")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    filename = VaultField(restricted=True)
    content_type = models.CharField(max_length=40)  # as found in the content
    size = models.PositiveIntegerField()
    data = VaultField(restricted=True)  # base64 of the (redacted, for text) content
    removed = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"attachment {self.pk}"


class TicketEvent(models.Model):
    """The ticket's history: status, priority, department and assignment changes (codes only)."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Opened"
        STATUS = "status", "Status changed"
        PRIORITY = "priority", "Priority changed"
        DEPARTMENT = "department", "Moved to another department"
        ASSIGNED = "assigned", "Assigned"
        RATED = "rated", "Rated"
        ACTION = "action", "Action taken from the ticket"

    id = models.BigAutoField(primary_key=True)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    old = models.CharField(max_length=40, blank=True)
    new = models.CharField(max_length=40, blank=True)
    actor_ref = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.ticket_id}"
