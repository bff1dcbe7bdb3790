"""An account's billing settings: its currency, billing contact, VAT number and credit."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from clientvault.billing.models.money import Currency


class BillingAccount(models.Model):
    """One per customer account, made on first need.

    ``credit`` is spent under a row lock (``select_for_update``) and the database refuses a
    negative balance, so concurrent spending can never take it below zero.
    """

    customer = models.OneToOneField(
        "accounts.Customer", on_delete=models.CASCADE, related_name="billing"
    )
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    # Whose name and address invoices are issued to; the owner when empty.
    contact = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    vat_number = models.CharField(max_length=20, blank=True)  # normalised, e.g. "DE136695976"
    credit = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(credit__gte=0), name="credit_never_negative"),
        ]
