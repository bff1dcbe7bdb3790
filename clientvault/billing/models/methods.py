"""Payment methods: never a card number or CVC, only the processor's token and what identifies
the method to its owner (brand, last four digits, expiry).

The token and the billing name and address are sealed in the vault for the payer and
restricted: only ``reveal()`` opens them, for payment processing, to the billing role and the
system's charging job (the policy profile's ``[roles]``).
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q

from clientvault.privacy.fields import VaultField


class MethodKind(models.TextChoices):
    CARD = "card", "Card"
    SEPA = "sepa", "SEPA Direct Debit"
    WALLET = "wallet", "Wallet"


class MethodStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    REMOVED = "removed", "Removed"


class GatewayCustomer(models.Model):
    """The account's customer record at a payment gateway (its reference there)."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="gateway_customers"
    )
    gateway = models.CharField(max_length=32)
    reference = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "gateway"], name="one_gateway_customer"),
        ]


class PaymentMethod(models.Model):
    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="payment_methods"
    )
    payer = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="+")
    gateway = models.CharField(max_length=32)
    kind = models.CharField(max_length=8, choices=MethodKind.choices)
    token = VaultField(subject="payer__subject", restricted=True)
    holder_name = VaultField(subject="payer__subject", restricted=True)
    billing_address = VaultField(subject="payer__subject", restricted=True)
    brand = models.CharField(max_length=32, blank=True)  # "visa", a bank's name, "wallet"
    last4 = models.CharField(max_length=4, blank=True)
    exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    exp_year = models.PositiveSmallIntegerField(null=True, blank=True)
    is_default = models.BooleanField(default=False)
    status = models.CharField(
        max_length=8, choices=MethodStatus.choices, default=MethodStatus.ACTIVE
    )
    expiry_notice_sent_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-is_default", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(is_default=True, status="active"),
                name="one_default_method",
            ),
            models.CheckConstraint(
                condition=Q(last4="") | Q(last4__regex=r"^[0-9]{4}$"), name="last4_is_four_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        kind = self.get_kind_display()
        name = self.brand.title() if self.brand else kind
        return f"{name} ending {self.last4}" if self.last4 else name

    @property
    def expires(self) -> str:
        return f"{self.exp_month:02d}/{self.exp_year}" if self.exp_month and self.exp_year else ""

    def expires_before(self, day: datetime.date) -> bool:
        """Whether the method stops working before ``day`` (the end of its expiry month)."""
        if not (self.exp_month and self.exp_year):
            return False
        return (self.exp_year, self.exp_month) < (day.year, day.month)


class SetupSessionStatus(models.TextChoices):
    OPEN = "open", "Waiting for the payer"
    COMPLETE = "complete", "Method added"
    EXPIRED = "expired", "Expired"


class SetupSession(models.Model):
    """A visit to the gateway's hosted form that adds a method; ``reference`` is the gateway's.

    The payer returns with the session's own random ``id``; the method is then read from the
    gateway, server to server, so nothing the browser brings back is trusted.
    """

    id = models.UUIDField(primary_key=True)
    customer = models.ForeignKey("accounts.Customer", on_delete=models.CASCADE, related_name="+")
    payer = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="+")
    gateway = models.CharField(max_length=32)
    kind = models.CharField(max_length=8, choices=MethodKind.choices)
    reference = models.CharField(max_length=128, blank=True)
    status = models.CharField(
        max_length=8, choices=SetupSessionStatus.choices, default=SetupSessionStatus.OPEN
    )
    method = models.OneToOneField(
        PaymentMethod, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
