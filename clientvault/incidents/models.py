"""Incidents: what happened, its scope (the people affected and what of theirs was seen), the
regulator's clock and decision, and the notices to the people affected (SEC-4, SEC-5).

An incident is a durable state machine (``TRANSITIONS`` beside ``Status``); every change of status
goes through ``Incident.may_become`` in the services. Its title and texts describe the incident,
never a person (the forms say so): they are what the regulator draft and the notices quote.
"""

from __future__ import annotations

import datetime
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from clientvault.privacy.fields import VaultField
from clientvault.privacy.models import Subject

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
SHORT_TEXT = 2000


def new_reference() -> str:
    """A short reference staff and notices quote (``IN-7KQ2M9``), naming no one."""
    return "IN-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))


class Status(models.TextChoices):
    OPEN = "open", "Open"
    SCOPED = "scoped", "Scoped"
    NOTIFYING = "notifying", "Notifying people"
    CLOSED = "closed", "Closed"


# The incident workflow: which status may follow which. Scoping again keeps an incident where
# it is (more people found while notifying are notified too).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.OPEN: frozenset({Status.SCOPED, Status.CLOSED}),
    Status.SCOPED: frozenset({Status.NOTIFYING, Status.CLOSED}),
    Status.NOTIFYING: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}
LIVE = (Status.OPEN, Status.SCOPED, Status.NOTIFYING)


class Decision(models.TextChoices):
    NOTIFY = "notify", "Notify the regulator"
    NOT_NOTIFY = "not_notify", "Do not notify the regulator"


class Incident(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=12, unique=True, default=new_reference)
    title = models.CharField(max_length=120)
    # What happened, its likely consequences, the measures taken or proposed, and what people
    # can do: about the incident, never a person; quoted by the draft and the notices.
    description = models.TextField(max_length=SHORT_TEXT)
    consequences = models.TextField(max_length=SHORT_TEXT, blank=True)
    measures = models.TextField(max_length=SHORT_TEXT, blank=True)
    advice = models.TextField(max_length=SHORT_TEXT, blank=True)
    systems = models.JSONField(default=list, blank=True)  # the systems involved, as short names
    started_at = models.DateTimeField()
    discovered_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    handlers: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Handler", related_name="+", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    decision = models.CharField(max_length=12, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(max_length=SHORT_TEXT, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    regulator_notified_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)  # the regulator-clock reminder
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-discovered_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(started_at__lte=F("discovered_at")),
                name="incidents_started_before_discovered",
            ),
            models.CheckConstraint(
                condition=Q(decision="") | (~Q(decision_reason="") & Q(decided_at__isnull=False)),
                name="incidents_decision_has_reason",
            ),
            models.CheckConstraint(
                condition=(Q(status="closed") & Q(closed_at__isnull=False))
                | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="incidents_closed_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def may_become(self, status: str) -> bool:
        return status in TRANSITIONS[self.status]

    def deadline(self, hours: int) -> datetime.datetime:
        """When the regulator must have been told (Art. 33(1)): ``hours`` after discovery."""
        return self.discovered_at + datetime.timedelta(hours=hours)


class DecisionRecord(models.Model):
    """One decision about notifying the regulator, kept when a later one replaces it (Art.
    33(5) documentation): append-only, the services only ever add rows."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(max_length=12, choices=Decision.choices)
    reason = models.TextField(max_length=SHORT_TEXT)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="incidents_record_has_reason")
        ]


class Handler(models.Model):
    """A staff login handling an incident (reminded of the regulator's deadline)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "user"], name="incidents_handler_once")
        ]


class ScopeKind(models.TextChoices):
    LOGIN = "login", "A compromised staff login"
    TOKEN = "token", "A compromised API token"
    WINDOW = "window", "Every access in a time window"


class ScopeRun(models.Model):
    """One scoping of an incident: whose accesses, over which window, what it found (counts)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="scopes")
    kind = models.CharField(max_length=8, choices=ScopeKind.choices)
    actor_id = models.CharField(max_length=64, blank=True)  # "user:42"; "" for a window
    token_prefix = models.CharField(max_length=16, blank=True)
    since = models.DateTimeField()
    until = models.DateTimeField()
    events = models.PositiveIntegerField(default=0)
    subjects = models.PositiveIntegerField(default=0)
    by_category = models.JSONField(default=dict, blank=True)  # category -> people
    run_at = models.DateTimeField()
    run_by = models.CharField(max_length=64, blank=True)  # actor ref of who ran it

    class Meta:
        ordering = ["run_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(since__lt=F("until")), name="incidents_scope_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(kind="window") | ~Q(actor_id=""), name="incidents_scope_names_actor"
            ),
        ]


class How(models.TextChoices):
    SEEN = "seen", "Seen"
    COULD_HAVE_SEEN = "could_have_seen", "Could have been seen"


class AffectedSubject(models.Model):
    """A person whose data was seen (or could have been) in the incident, and which categories."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="affected")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    categories = models.JSONField(default=list, blank=True)
    how = models.CharField(max_length=16, choices=How.choices)
    scope = models.ForeignKey(ScopeRun, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "subject"], name="incidents_affected_once")
        ]


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    LETTER = "letter", "Letter"
    TELEPHONE = "telephone", "Telephone"


class NoticeStatus(models.TextChoices):
    PENDING = "pending", "To do"
    SENT = "sent", "Sent"  # e-mail queued, letter printed, call reached the person
    ATTEMPTED = "attempted", "Tried, not reached"
    NO_ADDRESS = "no_address", "Nothing on record to reach them"


class Outcome(models.TextChoices):
    REACHED = "reached", "Reached the person"
    VOICEMAIL = "voicemail", "Left a voicemail"
    NO_ANSWER = "no_answer", "No answer"
    WRONG_NUMBER = "wrong_number", "Wrong number"


class Notice(models.Model):
    """One notice to one person by one channel (Art. 34), and for a call, how it went."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notices")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(
        max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.PENDING
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    note = VaultField(subject="subject")  # what the caller noted about the call
    recorded_by = models.CharField(max_length=64, blank=True)  # actor ref of who recorded it
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["channel", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "subject", "channel"], name="incidents_one_notice_per_channel"
            ),
            models.CheckConstraint(
                condition=Q(channel="telephone") | Q(outcome=""),
                name="incidents_outcome_only_for_calls",
            ),
        ]
