"""Data-subject requests: the request, its history, its codes, an agent's permission, exports.

A request is a durable state machine (``TRANSITIONS`` beside ``Status``): every change of status
goes through ``RightsRequest.may_become`` in the services, and is kept in ``RequestEvent``.

Who is who: ``subject`` is the person the request is about (unknown until a public request's
name and e-mail address match someone); ``requester`` is whoever asked: the person themselves,
an authorised agent (a subject of their own), or, for a public request that matched no one, a
new subject holding only what was typed, so that it can be erased when the request ends.
"""

from __future__ import annotations

import datetime
import secrets
import uuid

from django.db import models

from clientvault.privacy.fields import VaultField
from clientvault.privacy.models import Subject

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """A short reference a requester can quote (``R-7KQ2M9``), naming no one."""
    return "R-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))


class Kind(models.TextChoices):
    ACCESS = "access", "A copy of my data"
    CORRECTION = "correction", "Correct my data"
    ERASURE = "erasure", "Erase my data"
    OBJECTION = "objection", "Stop marketing or partner sharing"


class Scope(models.TextChoices):
    PERSON = "person", "My own data"
    ACCOUNT = "account", "The whole account"


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    AWAITING_VERIFICATION = "awaiting_verification", "Awaiting verification"
    VERIFIED = "verified", "Verified"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired (not verified in time)"


# The request workflow: which status may follow which.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset(
        {
            Status.AWAITING_VERIFICATION,
            Status.VERIFIED,
            Status.EXPIRED,  # no code was ever asked for
            Status.REFUSED,
            Status.WITHDRAWN,
        }
    ),
    Status.AWAITING_VERIFICATION: frozenset(
        {Status.VERIFIED, Status.EXPIRED, Status.REFUSED, Status.WITHDRAWN}
    ),
    Status.VERIFIED: frozenset({Status.IN_PROGRESS, Status.REFUSED, Status.WITHDRAWN}),
    Status.IN_PROGRESS: frozenset({Status.COMPLETED, Status.REFUSED}),
    Status.COMPLETED: frozenset(),
    Status.REFUSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
    Status.EXPIRED: frozenset(),
}
OPEN = (Status.RECEIVED, Status.AWAITING_VERIFICATION, Status.VERIFIED, Status.IN_PROGRESS)


class Channel(models.TextChoices):
    ACCOUNT = "account", "Customer area"
    PUBLIC_FORM = "public_form", "Public form"
    TELEPHONE = "telephone", "Telephone"
    LETTER = "letter", "Letter"
    EMAIL = "email", "E-mail"
    TICKET = "ticket", "Support ticket"
    API = "api", "API"
    OPERATOR = "operator", "Operator's command"
    CLOSURE = "closure", "Account closed (erased after the grace period)"


class Verification(models.TextChoices):
    PASSWORD = "password", "Password typed again while signed in"
    CODE = "code", "One-time code sent to the address on record"
    STAFF = "staff", "Identity checked by staff"
    API_TOKEN = "api_token", "The person's own API token"
    OPERATOR = "operator", "Operator's command"
    CLOSURE = "closure", "The account was closed"


class RightsRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=12, unique=True, default=new_reference)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.PERSON)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.RECEIVED)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    subject = models.ForeignKey(
        Subject, null=True, blank=True, on_delete=models.PROTECT, related_name="rights_requests"
    )
    requester = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    is_agent = models.BooleanField(default=False)
    # The account number of an account-wide erasure; "" otherwise.
    account = models.CharField(max_length=16, blank=True)
    # What the requester typed (name and e-mail of the person, a note), sealed for the requester.
    name_given = VaultField(subject="requester")
    email_given = VaultField(subject="requester")
    note = VaultField(subject="requester")
    # A correction: which declared field ("accounts.Person.phone") and the value asked for.
    field = models.CharField(max_length=120, blank=True)
    new_value = VaultField(subject="requester")
    # An objection: the consent purpose objected to.
    purpose = models.CharField(max_length=32, blank=True)
    # A signed declaration, when the profile asks for one: the name typed and when.
    declaration_name = VaultField(subject="requester")
    declared_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField()
    due_on = models.DateField()
    extended_to = models.DateField(null=True, blank=True)
    extension_reason = VaultField(subject="requester")
    verification = models.CharField(max_length=16, choices=Verification.choices, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)  # of an unverified request
    closed_at = models.DateTimeField(null=True, blank=True)
    actor_id = models.CharField(max_length=64, blank=True)  # who entered it
    # What was done, as ids and codes (an erasure's report, an export's id): no personal data.
    outcome = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["due_on", "received_at"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="correction") | ~models.Q(field=""),
                name="rights_correction_names_a_field",
            ),
            models.CheckConstraint(
                condition=~models.Q(scope="account") | ~models.Q(account=""),
                name="rights_account_scope_names_the_account",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def may_become(self, status: str) -> bool:
        return status in TRANSITIONS[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def deadline(self) -> datetime.date:
        return self.extended_to or self.due_on

    @property
    def outcome_rows(self) -> list[dict[str, object]]:
        """An erasure's outcome for a reader: one row per kind of data, outcome and reason
        (the outcome keeps one line per field), the date kept until as a date."""
        rows: dict[tuple[object, ...], dict[str, object]] = {}
        for line in self.outcome.get("lines", []):
            kept = line.get("kept_until")
            key = (line.get("label"), line.get("outcome"), line.get("why"), kept)
            until = datetime.date.fromisoformat(str(kept)[:10]) if kept else None
            rows.setdefault(key, {**line, "kept_until": until})
        return list(rows.values())


class RequestEvent(models.Model):
    """One step of a request's history: who, when, which step, why."""

    # A UUID given before the first save: the reason is sealed for its row on insert.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="events")
    requester = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    step = models.CharField(max_length=32)
    actor_id = models.CharField(max_length=64, blank=True)
    actor_label = models.CharField(max_length=40, blank=True)  # a role, never a name
    reason = VaultField(subject="requester")

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            # One completion per request, however many workers finish it.
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(step="completed"),
                name="rights_one_completion",
            ),
        ]

    @property
    def step_text(self) -> str:
        """The step as a person reads it ("Awaiting verification", "Paused hold")."""
        if self.step in Status.values:
            return str(Status(self.step).label)
        return self.step.replace("_", " ").replace("-", " ").capitalize()


class VerificationCode(models.Model):
    """A one-time code sent to the address on record; kept only as a keyed hash."""

    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)
    channel = models.CharField(max_length=8, default="email")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class AgentPermission(models.Model):
    """An agent's signed permission (PDF or image), sealed for the person it concerns."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.OneToOneField(
        RightsRequest, on_delete=models.CASCADE, related_name="permission"
    )
    holder = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    content = VaultField(subject="holder")  # base64 of the file
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()


class ExportFormat(models.TextChoices):
    JSON = "json", "JSON"
    ZIP = "zip", "ZIP of CSV files"
    PDF = "pdf", "PDF"


class Export(models.Model):
    """A person's data as exported for an access request, sealed for them; gone at expiry."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="exports")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    document = VaultField()  # the export as JSON; ZIP and PDF are made from it on download
    token_digest = models.CharField(max_length=64)  # of the secret in the e-mailed link
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    downloaded_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "subject"], name="rights_one_export")
        ]
