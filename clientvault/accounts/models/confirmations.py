"""Links that confirm an e-mail address: at signup, and for every new address."""

from __future__ import annotations

import uuid

from django.db import models

from clientvault.accounts.models.customers import Channel, Person
from clientvault.privacy.fields import VaultField
from clientvault.privacy.models import Subject


class ConfirmationPurpose(models.TextChoices):
    SIGNUP = "signup", "Opening the account"
    CHANGE = "change", "Changing the e-mail address"


class EmailConfirmation(models.Model):
    """A link sent to ``email``: following it confirms a new account's address, or makes a new
    address the person's. The link is signed and names this row and a random secret, of which
    only the SHA-256 digest is kept; it works once (``confirmed_at``), until ``expires_at``, and
    a newer link for the same person withdraws it (``withdrawn_at``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="email_confirmations")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=16, choices=ConfirmationPurpose.choices)
    email = VaultField()
    secret_digest = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    actor_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(confirmed_at__isnull=True, withdrawn_at__isnull=True),
                name="one_open_email_confirmation",
            )
        ]

    @property
    def is_open(self) -> bool:
        return self.confirmed_at is None and self.withdrawn_at is None
