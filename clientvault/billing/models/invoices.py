"""Invoices: gap-free numbers per series, lines, the issued-to snapshot, credit notes.

An issued invoice is a legal record: its number, lines, amounts, tax and the name and address it
was issued to never change afterwards (later profile changes don't alter it). Money moves only
through payments, credit and credit notes, each its own row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from clientvault.billing.models.money import Currency


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    UNPAID = "unpaid", "Unpaid"
    PAID = "paid", "Paid"
    OVERDUE = "overdue", "Overdue"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"


# Where an invoice may go from each status; anything else is refused.
INVOICE_TRANSITIONS: dict[str, frozenset[str]] = {
    InvoiceStatus.DRAFT: frozenset({InvoiceStatus.UNPAID, InvoiceStatus.CANCELLED}),
    InvoiceStatus.UNPAID: frozenset(
        {InvoiceStatus.PAID, InvoiceStatus.OVERDUE, InvoiceStatus.CANCELLED}
    ),
    InvoiceStatus.OVERDUE: frozenset({InvoiceStatus.PAID, InvoiceStatus.CANCELLED}),
    InvoiceStatus.PAID: frozenset({InvoiceStatus.REFUNDED}),
    InvoiceStatus.CANCELLED: frozenset(),
    InvoiceStatus.REFUNDED: frozenset(),
}
OPEN_STATUSES = (InvoiceStatus.UNPAID, InvoiceStatus.OVERDUE)


class InvoiceSeries(models.Model):
    """A numbering series ("INV", "CN"): the next number is taken under a row lock.

    Numbers are gap-free because one is taken only when an invoice is issued, in the transaction
    that issues it; the unique constraint on (series, number) holds even if code went wrong.
    """

    code = models.SlugField(max_length=16, unique=True)
    prefix = models.CharField(max_length=16)
    next_number = models.PositiveBigIntegerField(default=1)

    def __str__(self) -> str:
        return self.code

    def label(self, number: int) -> str:
        return f"{self.prefix}{number:06d}"


class Invoice(models.Model):
    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.PROTECT, related_name="invoices"
    )
    series = models.ForeignKey(InvoiceSeries, on_delete=models.PROTECT, related_name="invoices")
    number = models.PositiveBigIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    currency = models.CharField(max_length=3, choices=Currency.choices)
    # The issued-to snapshot, copied from the billing contact when the invoice is issued.
    issued_name = models.CharField(max_length=200, blank=True)
    issued_organisation = models.CharField(max_length=200, blank=True)
    issued_address = models.TextField(blank=True)
    issued_country = models.CharField(max_length=2, blank=True)
    issued_vat_number = models.CharField(max_length=20, blank=True)
    reverse_charge = models.BooleanField(default=False)
    subtotal = models.BigIntegerField(default=0)
    tax = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    # What has reached the invoice: payments (less refunds), account credit, credit notes.
    amount_paid = models.BigIntegerField(default=0)
    amount_credited = models.BigIntegerField(default=0)
    issued_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["status", "due_on"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="invoice_number_unique"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False),
                name="issued_invoice_has_number",
            ),
            models.CheckConstraint(
                condition=Q(amount_paid__gte=0) & Q(amount_credited__gte=0),
                name="invoice_received_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(amount_paid__lte=F("total") - F("amount_credited")),
                name="invoice_never_overpaid",
            ),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return self.series.label(self.number) if self.number else f"draft {self.pk}"

    @property
    def balance_due(self) -> int:
        return self.total - self.amount_paid - self.amount_credited

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def may_become(self, status: str) -> bool:
        return status in INVOICE_TRANSITIONS[self.status]


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    description = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField()
    unit_amount = models.BigIntegerField()
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2)
    amount = models.BigIntegerField()  # quantity x unit amount, before tax
    subscription = models.ForeignKey(
        "billing.Subscription", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="line_quantity_positive"),
        ]


class CreditNote(models.Model):
    """A credit note against an issued invoice; its own gap-free series."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="credit_notes")
    series = models.ForeignKey(InvoiceSeries, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveBigIntegerField()
    amount = models.BigIntegerField()
    reason = models.CharField(max_length=200)
    to_credit = models.BooleanField(default=False)  # added to account credit (a paid invoice)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="credit_note_number_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_note_positive"),
        ]

    @property
    def display_number(self) -> str:
        return self.series.label(self.number)
