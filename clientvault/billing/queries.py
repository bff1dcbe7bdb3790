"""Reading billing for the screens and the API: an account's invoices, methods, credit and
where it stands. Nothing here writes; every change goes through ``billing.services``.

Customers see issued invoices only (a draft is not an invoice yet). An invoice is named by its
number as printed on it (``INV000042``), and found through the account that owns it, so
another account's number answers 404 like a number that does not exist.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from clientvault.accounts.models import Customer
from clientvault.billing.models import (
    OPEN_STATUSES,
    BillingAccount,
    CreditEntry,
    Invoice,
    InvoiceStatus,
    MethodStatus,
    PaymentMethod,
    Subscription,
    SubscriptionStatus,
    format_amount,
)


def issued_invoices(customer: Customer) -> QuerySet[Invoice]:
    """The account's invoices as the customer sees them: issued ones, newest first."""
    return (
        Invoice.objects.filter(customer=customer)
        .exclude(status=InvoiceStatus.DRAFT)
        .select_related("series")
        .order_by("-issued_at", "-id")
    )


def number_lookup(label: str) -> Q | None:
    """Every way ``label`` may split into a series prefix and a number, as one filter.

    ``INV000042`` may be prefix ``INV`` and number 42, or prefix ``INV0000`` and number 42, and
    so on; the printed form is checked after the row is found (:func:`invoice_by_number`).
    """
    lookup: Q | None = None
    for cut in range(len(label)):
        digits = label[cut:]
        if digits.isascii() and digits.isdigit() and len(digits) <= 18:
            found = Q(series__prefix=label[:cut], number=int(digits))
            lookup = found if lookup is None else lookup | found
    return lookup


def invoice_by_number(invoices: QuerySet[Invoice], label: str) -> Invoice:
    """The invoice printed with number ``label`` among ``invoices``; 404 when there is none."""
    lookup = number_lookup(label)
    if lookup is None:
        raise Http404("no such invoice")
    for invoice in invoices.filter(lookup).select_related("series"):
        if invoice.display_number == label:
            return invoice
    raise Http404("no such invoice")


def active_methods(customer: Customer) -> QuerySet[PaymentMethod]:
    """The account's usable payment methods, the default first (token-free columns only)."""
    return PaymentMethod.objects.filter(customer=customer, status=MethodStatus.ACTIVE).order_by(
        "-is_default", "-created_at", "-id"
    )


def default_method(customer: Customer) -> PaymentMethod | None:
    return active_methods(customer).filter(is_default=True).first()


def billing_settings(customer: Customer) -> BillingAccount | None:
    """The account's billing settings, if it has any yet (reading never makes them)."""
    return BillingAccount.objects.filter(customer=customer).select_related("contact").first()


def credit_balance(customer: Customer) -> int:
    settings = billing_settings(customer)
    return settings.credit if settings is not None else 0


def account_currency(customer: Customer) -> str:
    settings = billing_settings(customer)
    return settings.currency if settings is not None else "EUR"


def credit_history(customer: Customer) -> QuerySet[CreditEntry]:
    return CreditEntry.objects.filter(customer=customer).select_related("invoice__series")


@dataclass(frozen=True)
class Amount:
    """Minor units and a currency, printed as money."""

    minor: int
    currency: str

    def __str__(self) -> str:
        return format_amount(self.minor, self.currency)


def balance_due(customer: Customer) -> list[Amount]:
    """What the account's open invoices still ask for, one amount per currency."""
    rows = (
        Invoice.objects.filter(customer=customer, status__in=OPEN_STATUSES)
        .values("currency")
        .annotate(total=Sum("total"), paid=Sum("amount_paid"), credited=Sum("amount_credited"))
        .order_by("currency")
    )
    due = [
        Amount(int(row["total"]) - int(row["paid"]) - int(row["credited"]), row["currency"])
        for row in rows
    ]
    return [amount for amount in due if amount.minor > 0]


def open_invoices(customer: Customer) -> QuerySet[Invoice]:
    """Invoices waiting for payment, the one due soonest first."""
    return (
        issued_invoices(customer)
        .filter(status__in=OPEN_STATUSES)
        .order_by("due_on", "issued_at", "id")
    )


def next_invoice_on(customer: Customer) -> datetime.date | None:
    """When the billing run next invoices one of the account's subscriptions."""
    upcoming = Subscription.objects.filter(customer=customer, status=SubscriptionStatus.ACTIVE)
    return upcoming.order_by("next_invoice_on").values_list("next_invoice_on", flat=True).first()


@dataclass(frozen=True)
class Overview:
    """Where an account stands: for the billing overview page and the API."""

    balance_due: list[Amount]
    open_count: int
    open_invoices: list[Invoice]  # the first few, due soonest first
    next_invoice_on: datetime.date | None
    default_method: PaymentMethod | None
    credit: Amount


def overview(customer: Customer) -> Overview:
    waiting = open_invoices(customer)
    return Overview(
        balance_due=balance_due(customer),
        open_count=waiting.count(),
        open_invoices=list(waiting[:5]),
        next_invoice_on=next_invoice_on(customer),
        default_method=default_method(customer),
        credit=Amount(credit_balance(customer), account_currency(customer)),
    )
