"""Legal process: demands for data from authorities and others, what was released, the packages
that carried it, and the published transparency reports (SHR-5, SHR-6, SHR-7).

A demand is a durable case (``DEMAND_TRANSITIONS`` beside ``Status``): every change of status
goes through ``Demand.may_become`` in the services and is kept in ``DemandEvent``. A release
needs two people: the one who prepared it may not approve it (a database constraint too).
"""

from __future__ import annotations

import datetime
import secrets
import uuid

from django.conf import settings
from django.db import models

from clientvault.privacy.fields import VaultField
from clientvault.privacy.models import Disclosure, Subject

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """A short reference for the case (``LD-7KQ2M9``), naming no one."""
    return "LD-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))


class DemandType(models.TextChoices):
    SUBPOENA = "subpoena", "Subpoena"
    COURT_ORDER = "court_order", "Court order"
    SEARCH_WARRANT = "search_warrant", "Search warrant"
    INTERCEPTION_ORDER = "interception_order", "Interception order"
    EMERGENCY = "emergency", "Emergency request"
    PRESERVATION = "preservation", "Preservation request"
    OTHER = "other", "Other (harm or a legal obligation)"


class Ground(models.TextChoices):
    """The disclosure register's ground a demand rests on (the same codes)."""

    LEGAL_PROCESS = "legal_process", "Subpoena, warrant or court order"
    LEGAL_OBLIGATION = "legal_obligation", "Required by law"
    HARM = "harm", "To identify or act against someone causing harm"


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    UNDER_REVIEW = "under_review", "Under review"
    CHALLENGED = "challenged", "Challenged"
    PARTIALLY_COMPLIED = "partially_complied", "Partially complied with"
    FULLY_COMPLIED = "fully_complied", "Fully complied with"
    REFUSED = "refused", "Refused"


# The case's workflow: which status may follow which.
DEMAND_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.UNDER_REVIEW, Status.REFUSED}),
    Status.UNDER_REVIEW: frozenset(
        {Status.CHALLENGED, Status.PARTIALLY_COMPLIED, Status.FULLY_COMPLIED, Status.REFUSED}
    ),
    Status.CHALLENGED: frozenset(
        {Status.UNDER_REVIEW, Status.PARTIALLY_COMPLIED, Status.FULLY_COMPLIED, Status.REFUSED}
    ),
    Status.PARTIALLY_COMPLIED: frozenset(),
    Status.FULLY_COMPLIED: frozenset(),
    Status.REFUSED: frozenset(),
}
# The steps that must say why.
REASONED = frozenset({Status.CHALLENGED, Status.PARTIALLY_COMPLIED, Status.REFUSED})
OPEN = (Status.RECEIVED, Status.UNDER_REVIEW, Status.CHALLENGED)
# The types served by legal process (the only ones whose order may defer the notice).
LEGAL_PROCESS_TYPES = (
    DemandType.SUBPOENA,
    DemandType.COURT_ORDER,
    DemandType.SEARCH_WARRANT,
    DemandType.INTERCEPTION_ORDER,
    DemandType.PRESERVATION,
)


class Demand(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=12, unique=True, default=new_reference)
    authority = models.CharField(max_length=200)
    jurisdiction = models.CharField(max_length=2)  # ISO 3166-1 alpha-2
    demand_type = models.CharField(max_length=24, choices=DemandType.choices)
    ground = models.CharField(max_length=24, choices=Ground.choices, default=Ground.LEGAL_PROCESS)
    harm_reference = models.CharField(max_length=64, blank=True)  # the abuse ticket's number
    their_reference = models.CharField(max_length=120)
    received_on = models.DateField()
    due_on = models.DateField()
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.RECEIVED)
    reason = models.CharField(max_length=1000, blank=True)  # of a refusal, challenge or part
    notice_forbidden_until = models.DateField(null=True, blank=True)
    followup_due_on = models.DateField(null=True, blank=True)  # an emergency's formal demand
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-created_at"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(their_reference=""), name="legal_demand_has_reference"
            ),
            models.CheckConstraint(
                condition=~models.Q(demand_type="emergency")
                | models.Q(followup_due_on__isnull=False),
                name="legal_emergency_has_followup",
            ),
            models.CheckConstraint(
                condition=~models.Q(ground="harm") | ~models.Q(harm_reference=""),
                name="legal_harm_has_reference",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("received_on")),
                name="legal_due_after_received",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def may_become(self, status: str) -> bool:
        return status in DEMAND_TRANSITIONS[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def notice_deferred(self, today: datetime.date) -> bool:
        return self.notice_forbidden_until is not None and self.notice_forbidden_until > today


class DemandSubject(models.Model):
    """A person the demand names, with the categories it asks for."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="subjects")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    categories = models.JSONField(default=list)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["demand", "subject"], name="legal_subject_once")
        ]


class DemandEvent(models.Model):
    """One step of a case's history: who (by id and role), when, which step, why."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    step = models.CharField(max_length=32)
    actor_id = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["at", "id"]

    @property
    def step_text(self) -> str:
        if self.step in Status.values:
            return str(Status(self.step).label)
        return self.step.replace("_", " ").capitalize()


class ReleaseStatus(models.TextChoices):
    PREPARED = "prepared", "Prepared, awaiting a second person's approval"
    APPROVED = "approved", "Approved and disclosed"
    DELIVERED = "delivered", "Downloaded by the authority"


class Release(models.Model):
    """What is released for a demand: categories per subject; prepared by one, approved by
    another. Delivered by one time-limited link (``token_digest``) to its packages."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="releases")
    categories = models.JSONField(default=dict)  # subject id -> category codes
    status = models.CharField(
        max_length=16, choices=ReleaseStatus.choices, default=ReleaseStatus.PREPARED
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    token_digest = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-prepared_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True)
                | ~models.Q(approved_by=models.F("prepared_by")),
                name="legal_four_eyes",
            ),
        ]

    @property
    def subject_count(self) -> int:
        return len(self.categories)


class Package(models.Model):
    """One subject's sealed export for a release (the disclosed categories only)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="packages")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="+")
    document = VaultField(subject="subject")  # the export as JSON
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["release", "subject"], name="legal_package_once")
        ]


class TransparencyReport(models.Model):
    """A half-year's figures, computed from the registers; public once published."""

    period = models.CharField(max_length=7, unique=True)  # "2026H2"
    figures = models.JSONField(default=dict)
    computed_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period"]

    def __str__(self) -> str:
        return self.period
