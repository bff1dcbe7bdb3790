"""Response bodies of the billing API (/api/v1/billing), as they appear in the schema.

Money is a whole number of minor units (cents) with its ISO 4217 currency, never a float. A
payment method is shown as its owner knows it (kind, brand, last four digits, expiry): no
token, no holder name, no billing address ever leaves through the API.

Each body is read from its model (``Schema.model_validate(row)``); a ``resolve_<field>`` says
where a field comes from when it is not a column of the same name.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema

from clientvault.billing.models import (
    CreditEntry,
    CreditNote,
    CreditReason,
    Currency,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    MethodKind,
    Payment,
    PaymentKind,
    PaymentStatus,
)

MINOR = "In minor units (cents) of the currency."


def _money(what: str) -> Any:
    return Field(description=f"{what} {MINOR}")


class InvoiceSummary(Schema):
    """An issued invoice, as the list shows it."""

    number: str = Field(description="The invoice's number as printed on it, e.g. INV000042.")
    status: InvoiceStatus
    currency: Currency
    issued_at: datetime.datetime | None
    due_on: datetime.date | None
    total: int = _money("The total, VAT included.")
    balance_due: int = _money("What is still to pay (0 when paid, cancelled or refunded).")

    @staticmethod
    def resolve_number(invoice: Invoice) -> str:
        return invoice.display_number

    @staticmethod
    def resolve_balance_due(invoice: Invoice) -> int:
        return invoice.balance_due if invoice.is_open else 0


class IssuedTo(Schema):
    """Whom the invoice was issued to, as they were on the day it was issued."""

    name: str
    organisation: str
    address: str = Field(description="The postal address, one line per line.")
    country: str = Field(description="ISO 3166 country code.")
    vat_number: str


class LineOut(Schema):
    description: str
    quantity: int
    unit_amount: int = _money("The price of one, before VAT.")
    tax_rate: str = Field(description="The VAT rate in percent, e.g. '20.00'.")
    amount: int = _money("Quantity times unit amount, before VAT.")

    @staticmethod
    def resolve_tax_rate(line: InvoiceLine) -> str:
        return str(line.tax_rate)


class PaymentOut(Schema):
    """A payment received for the invoice."""

    paid_at: datetime.datetime
    kind: PaymentKind
    method: str = Field(
        description="The method as you know it, e.g. 'Visa ending 4242'; '' for a payment "
        "recorded by staff or paid from credit."
    )
    amount: int = _money("The amount received.")
    refunded: int = _money("How much of it was refunded.")

    @staticmethod
    def resolve_paid_at(payment: Payment) -> datetime.datetime:
        return payment.settled_at or payment.created_at

    @staticmethod
    def resolve_method(payment: Payment) -> str:
        return payment.method.label if payment.method else ""

    @staticmethod
    def resolve_refunded(payment: Payment) -> int:
        return payment.amount_refunded


class CreditNoteOut(Schema):
    number: str
    created_at: datetime.datetime
    amount: int = _money("The amount credited.")
    reason: str
    to_credit: bool = Field(description="Whether it was added to your account credit.")

    @staticmethod
    def resolve_number(note: CreditNote) -> str:
        return note.display_number


class InvoiceOut(InvoiceSummary):
    """An invoice in full, as it was issued, with what has reached it since."""

    issued_to: IssuedTo
    reverse_charge: bool = Field(
        description="true: no VAT is charged; the customer accounts for it (EU reverse charge)."
    )
    period_start: datetime.date | None
    period_end: datetime.date | None
    lines: list[LineOut]
    subtotal: int = _money("The total before VAT.")
    tax: int = _money("The VAT.")
    amount_paid: int = _money("Payments received, less refunds.")
    amount_credited: int = _money("Credit notes and account credit applied.")
    paid_at: datetime.datetime | None
    payments: list[PaymentOut] = Field(description="Payments received (not failed attempts).")
    credit_notes: list[CreditNoteOut]

    @staticmethod
    def resolve_issued_to(invoice: Invoice) -> dict[str, str]:
        return {
            "name": invoice.issued_name,
            "organisation": invoice.issued_organisation,
            "address": invoice.issued_address,
            "country": invoice.issued_country,
            "vat_number": invoice.issued_vat_number,
        }

    @staticmethod
    def resolve_lines(invoice: Invoice) -> QuerySet[InvoiceLine]:
        return invoice.lines.all()

    @staticmethod
    def resolve_payments(invoice: Invoice) -> QuerySet[Payment]:
        return invoice.payments.filter(status=PaymentStatus.SUCCEEDED).select_related("method")

    @staticmethod
    def resolve_credit_notes(invoice: Invoice) -> QuerySet[CreditNote]:
        return invoice.credit_notes.select_related("series")


class MethodOut(Schema):
    """A payment method without its token: what identifies it to its owner."""

    id: int
    kind: MethodKind
    brand: str = Field(description="e.g. 'visa', a bank's name, 'wallet'.")
    last4: str = Field(description="The last four digits; '' when the method has none.")
    exp_month: int | None = Field(description="1 to 12; null when the method does not expire.")
    exp_year: int | None
    is_default: bool = Field(description="Whether it pays invoices when they fall due.")


class PayIn(Schema):
    """Which payment method pays; the account's default when left out."""

    method: int | None = Field(
        None, description="A payment method's id from /billing/payment-methods; null: the default."
    )


class PayOut(Schema):
    """What became of the charge: paid, or accepted and waiting for the payment service."""

    status: PaymentStatus = Field(
        description="succeeded: paid; pending: the outcome is not known yet (a direct debit, or "
        "the payment service did not answer): it is settled later and never charged twice."
    )
    amount: int = _money("The amount charged.")
    currency: Currency
    message: str


class CreditEntryOut(Schema):
    created_at: datetime.datetime
    amount: int = _money("Positive: added; negative: spent.")
    balance_after: int = _money("The credit after this change.")
    reason: CreditReason
    invoice: str | None = Field(description="The invoice it concerns, by number; null if none.")
    note: str

    @staticmethod
    def resolve_invoice(entry: CreditEntry) -> str | None:
        invoice = entry.invoice
        return invoice.display_number if invoice is not None and invoice.number else None


class CreditOut(Schema):
    """The account's credit, spent on invoices before any payment method is charged."""

    balance: int = _money("The credit now.")
    currency: Currency
    history: list[CreditEntryOut] = Field(description="The newest 50 changes, newest first.")
