"""What the host sells: products (shared hosting, VPS, dedicated, add-ons) and their plans.

A plan's prices per billing cycle are billing's (each :class:`HostingPlan` sells one
``billing.Plan``); hosting adds what a control panel needs: the panel's plan code and the plan's
limits, which a change to a smaller plan is checked against.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class ProductKind(models.TextChoices):
    SHARED = "shared", "Shared hosting"
    VPS = "vps", "Virtual private server"
    DEDICATED = "dedicated", "Dedicated server"
    ADDON = "addon", "Add-on"


class Product(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=ProductKind.choices)
    description = models.CharField(max_length=300, blank=True)
    # Whether each service of this product serves a domain (hosting does; an add-on may not).
    needs_domain = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class HostingPlan(models.Model):
    """One size of a product: the billing plan it sells, its panel plan code and limits."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="plans")
    billing_plan = models.OneToOneField(
        "billing.Plan", on_delete=models.PROTECT, related_name="hosting_plan"
    )
    panel_plan = models.SlugField(max_length=64)
    disk_mb = models.PositiveIntegerField(default=0)  # 0: no disk (an add-on)
    bandwidth_mb = models.PositiveIntegerField(default=0)  # 0: unmetered
    # Bigger plans rank higher: a change to a lower rank is a downgrade, checked against usage.
    rank = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["product__position", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["product", "rank"], name="one_plan_per_rank"),
            models.CheckConstraint(condition=~Q(panel_plan=""), name="plan_has_panel_plan"),
        ]

    def __str__(self) -> str:
        return self.billing_plan.name

    @property
    def name(self) -> str:
        return self.billing_plan.name

    @property
    def code(self) -> str:
        return self.billing_plan.code
