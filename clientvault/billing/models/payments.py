"""Payments, charge attempts, refunds, account credit and gateway webhooks.

Every attempt to charge is its own row with an idempotency key the gateway honours, so a retried
job never charges twice; a webhook is stored under the gateway's event id, so a replay is
recognised and ignored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from clientvault.billing.models.invoices import Invoice
from clientvault.billing.models.methods import PaymentMethod
from clientvault.billing.models.money import Currency


class PaymentKind(models.TextChoices):
    CHARGE = "charge", "Charged to a payment method"
    MANUAL = "manual", "Recorded by staff (bank transfer, cheque, cash)"
    CREDIT = "credit", "Paid from account credit"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # sent; the gateway has not answered (yet)
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


PAYMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    PaymentStatus.PENDING: frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.FAILED}),
    PaymentStatus.SUCCEEDED: frozenset(),
    PaymentStatus.FAILED: frozenset(),
}


class Payment(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="payments")
    customer = models.ForeignKey("accounts.Customer", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=PaymentKind.choices)
    status = models.CharField(max_length=10, choices=PaymentStatus.choices)
    method = models.ForeignKey(
        PaymentMethod, null=True, blank=True, on_delete=models.SET_NULL, related_name="payments"
    )
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3, choices=Currency.choices)
    amount_refunded = models.BigIntegerField(default=0)
    attempt = models.PositiveIntegerField(default=1)  # the invoice's charge attempt number
    # The billing day of a charge attempt (the daily run's date): one automatic attempt a day.
    attempted_on = models.DateField(default=timezone.localdate)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    reference = models.CharField(max_length=128, blank=True)  # the gateway's charge id
    failure_code = models.CharField(max_length=64, blank=True)
    failure_message = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=200, blank=True)  # a manual payment's reference
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["reference"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive"),
            models.CheckConstraint(
                condition=Q(amount_refunded__gte=0) & Q(amount_refunded__lte=F("amount")),
                name="refund_within_payment",
            ),
        ]

    @property
    def refundable(self) -> int:
        return self.amount - self.amount_refunded if self.status == PaymentStatus.SUCCEEDED else 0


class Refund(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="refunds")
    amount = models.BigIntegerField()
    reason = models.CharField(max_length=200)
    reference = models.CharField(max_length=128, blank=True)
    idempotency_key = models.CharField(max_length=80, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_positive")]


class CreditReason(models.TextChoices):
    CREDIT_NOTE = "credit_note", "Credit note"
    OVERPAYMENT = "overpayment", "Overpayment"
    STAFF = "staff", "Added by staff"
    APPLIED = "applied", "Applied to an invoice"


class CreditEntry(models.Model):
    """One change of an account's credit, with the balance after it."""

    customer = models.ForeignKey("accounts.Customer", on_delete=models.CASCADE, related_name="+")
    amount = models.BigIntegerField()  # positive adds, negative spends
    balance_after = models.BigIntegerField()
    reason = models.CharField(max_length=16, choices=CreditReason.choices)
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="credit_entry_not_zero"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="credit_after_not_neg"),
        ]


class WebhookEvent(models.Model):
    """A gateway event, stored once under its id: a replay finds it and changes nothing."""

    gateway = models.CharField(max_length=32)
    event_id = models.CharField(max_length=128)
    kind = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["gateway", "event_id"], name="webhook_once"),
        ]


class DunningStep(models.Model):
    """A dunning step taken for an invoice (a reminder on day N, or suspension), once each."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="dunning")
    step = models.CharField(max_length=32)
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invoice", "step"], name="dunning_step_once"),
        ]
