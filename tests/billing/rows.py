"""Billing rows made directly through the models, for testing the screens that read them.

The services that make these rows for real (issuing, paying, refunding) have their own tests;
here only what a page or the API shows matters, so each helper writes the rows as a finished
service would leave them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from clientvault.accounts.models import Customer, Person
from clientvault.billing.models import (
    BillingAccount,
    CreditEntry,
    CreditNote,
    CreditReason,
    Invoice,
    InvoiceLine,
    InvoiceSeries,
    InvoiceStatus,
    MethodKind,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentStatus,
)

TOKEN = "tok_visa_4242_secret"
ADDRESS = "12 Marylebone Road\nLondon NW1 5LR"
ISSUED_ADDRESS = "221B Baker Street\nLondon NW1 6XE"


def series(code: str = "INV", prefix: str = "INV") -> InvoiceSeries:
    return InvoiceSeries.objects.get_or_create(code=code, defaults={"prefix": prefix})[0]


def next_number(kind: InvoiceSeries) -> int:
    taken = kind.next_number
    InvoiceSeries.objects.filter(pk=kind.pk).update(next_number=taken + 1)
    kind.next_number = taken + 1
    return taken


def an_invoice(
    customer: Customer | Person,
    *,
    status: str = InvoiceStatus.UNPAID,
    lines: tuple[tuple[str, int, int], ...] = (("Shared hosting, monthly", 1, 1000),),
    rate: str = "20",
    paid: int = 0,
    credited: int = 0,
    reverse_charge: bool = False,
    currency: str = "EUR",
    issued_days_ago: int = 3,
    **extra: Any,
) -> Invoice:
    """An issued invoice (a draft when ``status`` is draft) with its lines and totals."""
    account = customer.customer if isinstance(customer, Person) else customer
    kind = series()
    tax_rate = Decimal("0") if reverse_charge else Decimal(rate)
    subtotal = sum(quantity * unit for _, quantity, unit in lines)
    tax = int(subtotal * tax_rate / 100)
    issued = timezone.now() - datetime.timedelta(days=issued_days_ago)
    draft = status == InvoiceStatus.DRAFT
    fields: dict[str, Any] = {
        "customer": account,
        "series": kind,
        "number": None if draft else next_number(kind),
        "status": status,
        "currency": currency,
        "issued_name": "" if draft else "Ada Lovelace",
        "issued_address": "" if draft else ISSUED_ADDRESS,
        "issued_country": "" if draft else "GB",
        "issued_vat_number": "DE136695976" if reverse_charge else "",
        "reverse_charge": reverse_charge,
        "subtotal": subtotal,
        "tax": tax,
        "total": subtotal + tax,
        "amount_paid": paid,
        "amount_credited": credited,
        "issued_at": None if draft else issued,
        "due_on": None if draft else (issued + datetime.timedelta(days=14)).date(),
        "paid_at": timezone.now() if status == InvoiceStatus.PAID else None,
    }
    invoice = Invoice.objects.create(**(fields | extra))
    for description, quantity, unit in lines:
        InvoiceLine.objects.create(
            invoice=invoice,
            description=description,
            quantity=quantity,
            unit_amount=unit,
            tax_rate=tax_rate,
            amount=quantity * unit,
        )
    return invoice


def a_payment(
    invoice: Invoice,
    *,
    amount: int,
    method: PaymentMethod | None = None,
    status: str = PaymentStatus.SUCCEEDED,
    kind: str = "",
    **extra: Any,
) -> Payment:
    return Payment.objects.create(
        invoice=invoice,
        customer=invoice.customer,
        kind=kind or (PaymentKind.CHARGE if method else PaymentKind.MANUAL),
        status=status,
        method=method,
        amount=amount,
        currency=invoice.currency,
        settled_at=timezone.now() if status != PaymentStatus.PENDING else None,
        **extra,
    )


def a_method(
    payer: Person,
    *,
    brand: str = "visa",
    last4: str = "4242",
    default: bool = True,
    kind: str = MethodKind.CARD,
    **extra: Any,
) -> PaymentMethod:
    """A card (by default) as the gateway's hosted form leaves it: token and address sealed."""
    method = PaymentMethod(
        customer=payer.customer,
        payer=payer,
        gateway="test",
        kind=kind,
        brand=brand,
        last4=last4,
        exp_month=12,
        exp_year=2030,
        is_default=default,
        **extra,
    )
    method.save()  # a vault field is sealed for the row's key: the row comes first
    method.token = TOKEN
    method.holder_name = "Ada Lovelace"
    method.billing_address = ADDRESS
    method.save(update_fields=["token", "holder_name", "billing_address"])
    return method


def a_credit_note(invoice: Invoice, *, amount: int, reason: str = "Goodwill") -> CreditNote:
    kind = series("CN", "CN")
    return CreditNote.objects.create(
        invoice=invoice, series=kind, number=next_number(kind), amount=amount, reason=reason
    )


def some_credit(customer: Customer | Person, *amounts: int, note: str = "") -> BillingAccount:
    """Credit entries adding (or spending) each amount in turn, and the account's balance."""
    account = customer.customer if isinstance(customer, Person) else customer
    settings, _ = BillingAccount.objects.get_or_create(customer=account)
    for amount in amounts:
        settings.credit += amount
        reason = CreditReason.STAFF if amount > 0 else CreditReason.APPLIED
        CreditEntry.objects.create(
            customer=account,
            amount=amount,
            balance_after=settings.credit,
            reason=reason,
            note=note,
        )
    settings.save()
    return settings
