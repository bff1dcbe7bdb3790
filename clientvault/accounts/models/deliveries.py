"""What the outbound jobs delivered, so a job run twice sends its message once."""

from __future__ import annotations

from django.db import models


class DeliveryKind(models.TextChoices):
    EMAIL = "email", "E-mail"
    TEXT = "text", "Text message"


class Delivery(models.Model):
    """One queued message handed to the mail server or the SMS gateway.

    ``message_id`` is random, made when the message was queued and carried inside its sealed
    payload; the row holds no address, number or text.
    """

    message_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=8, choices=DeliveryKind.choices)
    delivered_at = models.DateTimeField()

    class Meta:
        ordering = ["-delivered_at"]
        constraints = [
            models.UniqueConstraint(fields=["message_id"], name="delivery_once_per_message"),
            models.CheckConstraint(
                condition=models.Q(kind__in=DeliveryKind.values), name="delivery_kind_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(message_id=""), name="delivery_has_a_message_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id}"
