"""The consent ledger: dated grants and refusals per subject and purpose; the newest wins."""

from __future__ import annotations

from django.db import models

from clientvault.privacy.models.subject import Subject
from clientvault.privacy.taxonomy import Purpose


class ConsentSource(models.TextChoices):
    FORM = "form", "Form"
    LINK = "link", "Link in a message"
    EMAIL = "email", "E-mail to the opt-out address"
    GPC = "gpc", "Global Privacy Control"
    STAFF = "staff", "Recorded by staff"
    API = "api", "Through the API"


class ConsentRecord(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    granted = models.BooleanField()
    source = models.CharField(max_length=8, choices=ConsentSource.choices)
    at = models.DateTimeField()
    actor_id = models.CharField(max_length=64, blank=True)
    reference = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject", "purpose", "-at", "-id"])]

    def __str__(self) -> str:
        verb = "granted" if self.granted else "refused"
        return f"{self.purpose} {verb} ({self.source})"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise PermissionError("consent history is never edited: record a new grant or refusal")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
