"""The audit log: append-only and hash-chained. Entries carry ids, never raw personal data."""

from __future__ import annotations

import uuid

from django.db import models


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor_id = models.CharField(max_length=64, blank=True)
    actor_role = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=64)
    subject_id = models.UUIDField(null=True, blank=True, db_index=True)
    purpose = models.CharField(max_length=32, blank=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["action", "at"]),
            # Scoping a breach: one actor's views and reveals since a moment, read in time
            # proportional to that actor's activity, not to the whole log.
            models.Index(fields=["actor_id", "at"], name="audit_actor_at"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")


class AuditHead(models.Model):
    """The single row that serialises appends: the chain's newest sequence number and hash."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    chain_id = models.UUIDField(default=uuid.uuid4)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audithead_single")]
