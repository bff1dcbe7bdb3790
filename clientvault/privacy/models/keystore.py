"""The key store: wrapped keys, kept in their own database (alias ``keys``)."""

from __future__ import annotations

from django.db import models


class MasterKeyVersion(models.Model):
    """A version of the master key the store has seen, identified by a fingerprint only."""

    version = models.PositiveIntegerField(unique=True)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version"]


class SubjectKey(models.Model):
    """One subject's data key, wrapped by a master key version. Destroyed on erasure."""

    subject_id = models.UUIDField(unique=True)
    wrapped = models.BinaryField(null=True)
    master_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(destroyed_at__isnull=True, wrapped__isnull=False)
                | models.Q(destroyed_at__isnull=False, wrapped__isnull=True),
                name="subjectkey_destroyed_has_no_key",
            )
        ]


class SystemKey(models.Model):
    """A system key (the blind-index key), wrapped by a master key version."""

    name = models.CharField(max_length=64, unique=True)
    wrapped = models.BinaryField()
    master_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)


class AuditAnchor(models.Model):
    """The signed checkpoint of the audit chain's head, kept apart from the chain it anchors.

    One row: the newest sequence number and keyed hash the application has checked and
    committed, with a MAC under the audit key, so that whoever writes to the data database alone
    can neither cut the log short nor replace its head unnoticed (``clientvault audit verify``).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)
    at = models.DateTimeField()
    mac = models.CharField(max_length=64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="auditanchor_single")]
