"""What the outbound jobs handed over, so a job run twice sends its message at most once."""

from __future__ import annotations

from django.db import models


class DeliveryKind(models.TextChoices):
    EMAIL = "email", "E-mail"
    TEXT = "text", "Text message"


class DeliveryStatus(models.TextChoices):
    SENDING = "sending", "Claimed, being handed over"
    SENT = "sent", "Handed over"
    FAILED = "failed", "Hand-over failed; a retry may claim it again"


# A claim is sent or fails; a failed one may be claimed again. A claim left ``sending`` (the
# worker died mid-send) stays so: whether the message went out is unknown, so it is not resent.
DELIVERY_TRANSITIONS: dict[str, frozenset[str]] = {
    DeliveryStatus.SENDING: frozenset({DeliveryStatus.SENT, DeliveryStatus.FAILED}),
    DeliveryStatus.FAILED: frozenset({DeliveryStatus.SENDING}),
    DeliveryStatus.SENT: frozenset(),
}


class Delivery(models.Model):
    """One queued message claimed for the mail server or the SMS gateway, and what became of it.

    ``message_id`` is random, made when the message was queued and carried inside its sealed
    payload; the row holds no address, number or text.
    """

    message_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=8, choices=DeliveryKind.choices)
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.SENDING
    )
    claimed_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at"]
        constraints = [
            models.UniqueConstraint(fields=["message_id"], name="delivery_once_per_message"),
            models.CheckConstraint(
                condition=models.Q(kind__in=DeliveryKind.values), name="delivery_kind_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(message_id=""), name="delivery_has_a_message_id"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values), name="delivery_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status=DeliveryStatus.SENT, delivered_at__isnull=False)
                | (~models.Q(status=DeliveryStatus.SENT) & models.Q(delivered_at__isnull=True)),
                name="delivery_sent_has_delivery_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id} {self.status}"

    def may_become(self, status: str) -> bool:
        return status in DELIVERY_TRANSITIONS[self.status]
