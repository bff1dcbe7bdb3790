"""Orders: what a customer (or staff, or the API) asked for, and the invoice that pays for it.

An order makes its services and domains at once, pending; its invoice is issued through billing.
Once the invoice is paid, the order is paid and each item is set up by a background job.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models


class OrderStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", "Awaiting payment"
    PAID = "paid", "Paid"
    CANCELLED = "cancelled", "Cancelled"


ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.AWAITING_PAYMENT: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


def new_order_number() -> str:
    return f"ORD-{secrets.token_hex(4).upper()}"


class Order(models.Model):
    number = models.CharField(max_length=16, unique=True, default=new_order_number)
    customer = models.ForeignKey("accounts.Customer", on_delete=models.PROTECT, related_name="+")
    invoice = models.OneToOneField(
        "billing.Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="order"
    )
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.AWAITING_PAYMENT
    )
    channel = models.CharField(max_length=16)  # an accounts.Channel value
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A renewal order renews one domain for ``renew_years`` once paid.
    renew_domain = models.ForeignKey(
        "hosting.Domain", null=True, blank=True, on_delete=models.SET_NULL, related_name="renewals"
    )
    renew_years = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.number

    def may_become(self, status: str) -> bool:
        return status in ORDER_TRANSITIONS[self.status]
