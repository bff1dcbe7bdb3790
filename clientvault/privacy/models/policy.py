"""Published versions of the privacy policy and who accepted which (POL-1, POL-2)."""

from __future__ import annotations

from django.db import models

from clientvault.privacy.models.subject import Subject


class PolicyVersion(models.Model):
    """An immutable rendering of the privacy policy; a new one whenever the content changes.

    ``number`` is unique, so two processes publishing at once cannot both create the next
    version. ``content_hash`` is not unique: a policy that changes back to an earlier text is a
    change like any other and gets a new, dated version.
    """

    number = models.PositiveIntegerField(unique=True)
    content_hash = models.CharField(max_length=64, db_index=True)
    effective_date = models.DateField()
    published_at = models.DateTimeField()
    html = models.TextField()

    class Meta:
        ordering = ["-number"]
        get_latest_by = "number"

    def __str__(self) -> str:
        return f"version {self.number} of {self.effective_date:%d %B %Y}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise PermissionError("a published policy version is immutable")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("a published policy version is never deleted")


class AcceptanceChannel(models.TextChoices):
    SIGNUP = "signup", "Sign-up form"
    LOGIN = "login", "At sign-in"
    CUSTOMER_AREA = "customer_area", "Customer area"
    API = "api", "API"
    STAFF = "staff", "Recorded by staff"


class PolicyAcceptance(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="acceptances")
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="acceptances")
    at = models.DateTimeField()
    channel = models.CharField(max_length=16, choices=AcceptanceChannel.choices)

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "version"], name="acceptance_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} accepted policy {self.version_id} ({self.channel})"
