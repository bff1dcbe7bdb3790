"""Holds: a subject's data is kept as it stands while an obligation to preserve it applies."""

from __future__ import annotations

import uuid

from django.db import models

from clientvault.privacy.models.subject import Subject


class HoldReason(models.TextChoices):
    LEGAL_PRESERVATION = "legal_preservation", "A legal obligation to preserve records"
    DISPUTE = "dispute", "An open dispute"
    INVESTIGATION = "investigation", "An investigation of abuse or fraud"
    REGULATOR = "regulator", "An inquiry by a regulator"


class Hold(models.Model):
    """One hold on one subject, from ``placed_at`` until ``ends_on`` (or until ended sooner).

    ``reference`` (a case number, say) and a confidential hold's very existence are never shown
    to the subject: a confidential hold is told only as "a legal obligation applies".
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="holds")
    reason = models.CharField(max_length=32, choices=HoldReason.choices)
    placed_by = models.CharField(max_length=64)
    reference = models.CharField(max_length=64, blank=True)
    confidential = models.BooleanField(default=False)
    placed_at = models.DateTimeField()
    ends_on = models.DateField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["placed_at"]
        indexes = [models.Index(fields=["subject", "ends_on"], name="hold_subject_ends_on")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reason__in=HoldReason.values), name="hold_reason_known"
            ),
            models.CheckConstraint(condition=~models.Q(placed_by=""), name="hold_placed_by_set"),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(ended_at__gte=models.F("placed_at")),
                name="hold_ends_after_placed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} hold until {self.ends_on:%Y-%m-%d}"
