"""What is sold: plans, their prices per billing cycle, and what each customer is billed for."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q

from clientvault.billing.models.money import Currency


class Cycle(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Every three months"
    ANNUALLY = "annually", "Yearly"

    @property
    def months(self) -> int:
        return {"monthly": 1, "quarterly": 3, "annually": 12}[self.value]


class Plan(models.Model):
    """A plan on sale (shared hosting, a VPS size, an add-on); the hosting app names its kind."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Price(models.Model):
    """A plan's price for one cycle in one currency, before tax, in minor units."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="prices")
    cycle = models.CharField(max_length=16, choices=Cycle.choices)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    amount = models.BigIntegerField()

    class Meta:
        ordering = ["plan", "cycle", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "cycle", "currency"], name="one_price_per_cycle"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} ({self.get_cycle_display()})"


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class Subscription(models.Model):
    """A recurring charge on an account: the billing run invoices it each cycle.

    The hosting app's services each hold one; ``next_invoice_on`` moves on one cycle when its
    invoice is made, in the same transaction, so a billing run never bills a period twice.
    """

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="subscriptions"
    )
    price = models.ForeignKey(Price, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(default=1)
    description = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=8, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE
    )
    next_invoice_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["next_invoice_on", "id"]
        indexes = [models.Index(fields=["status", "next_invoice_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="subscription_quantity"),
        ]

    def period_after(self, start: datetime.date) -> datetime.date:
        """The first day of the next period, the same day of the month (clamped) later."""
        months = Cycle(self.price.cycle).months
        year, month = divmod(start.month - 1 + months, 12)
        day = min(start.day, 28)
        return datetime.date(start.year + year, month + 1, day)
