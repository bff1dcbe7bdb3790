from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from clientvault.privacy.models import Subject


class StaffRole(models.TextChoices):
    """Staff roles, kept as groups; each role's purposes come from the policy profile."""

    SUPPORT = "support", "Support"
    BILLING = "billing", "Billing"
    PRIVACY_OFFICER = "privacy_officer", "Privacy officer"
    LEGAL = "legal", "Legal"
    ADMINISTRATOR = "administrator", "Administrator"


class User(AbstractUser):
    """A login. A customer's login is tied to the subject whose data it holds."""

    subject = models.OneToOneField(
        Subject, null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        usable = self.filter(revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)
        return usable.exclude(user__person__customer__status="closed")


class ApiToken(models.Model):
    """A personal API token: random, shown once, stored as a SHA-256 hash, revocable, expiring."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=64)
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
