from __future__ import annotations

import secrets
import uuid

from django.db import models

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """A short public reference for a subject, free of personal data (e.g. ``S-7KQ2M9XD``)."""
    return "S-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


class Subject(models.Model):
    """One natural person the system holds data about. Holds no personal data itself."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=16, unique=True, default=new_reference)
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None
