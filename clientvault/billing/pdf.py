"""An invoice as a PDF (WeasyPrint), for the customer to download and keep.

The customer's side is the invoice's issued-to snapshot, never the live person: what was
printed on the day it was issued is what is printed on every copy after. The operator's name,
address and VAT number come from the policy profile. The HTML (``billing/invoice_pdf.html``)
has inline CSS only and is rendered with a fetcher that refuses every URL, so making the PDF
never reaches the network, nor a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from clientvault.billing.models import (
    Invoice,
    InvoiceStatus,
    PaymentKind,
    PaymentStatus,
    format_amount,
)
from clientvault.billing.tax import REVERSE_CHARGE_NOTE, country_name, in_eu, percent_text
from clientvault.privacy.profile import current_profile

PAYMENT_LABELS = {
    PaymentKind.CHARGE: "Card or bank payment",
    PaymentKind.MANUAL: "Payment received",
    PaymentKind.CREDIT: "Paid from account credit",
}


@dataclass(frozen=True)
class _Row:
    description: str
    quantity: int
    unit: str
    rate: str
    amount: str


def tax_note(invoice: Invoice, rates: set[Decimal]) -> str:
    """What the invoice says about its VAT, from what it was issued with."""
    if invoice.reverse_charge:
        return REVERSE_CHARGE_NOTE
    charged = sorted(rate for rate in rates if rate > 0)
    if charged:
        text = ", ".join(f"{percent_text(rate)}%" for rate in charged)
        seller = current_profile().billing.country
        if (
            invoice.issued_country
            and invoice.issued_country != seller
            and in_eu(invoice.issued_country)
        ):
            where = country_name(invoice.issued_country)
            return f"VAT at the {where} rate ({text}), declared through the One-Stop Shop."
        return f"VAT at {text}."
    if invoice.issued_country and not in_eu(invoice.issued_country):
        return "No VAT charged: outside the scope of VAT (the customer is outside the EU)."
    return "No VAT charged."


def invoice_html(invoice: Invoice) -> str:
    profile = current_profile()
    money = invoice.currency
    lines = list(invoice.lines.all())
    rows = [
        _Row(
            description=line.description,
            quantity=line.quantity,
            unit=format_amount(line.unit_amount, money),
            rate=f"{percent_text(line.tax_rate)}%",
            amount=format_amount(line.amount, money),
        )
        for line in lines
    ]
    payments = [
        {
            "at": payment.settled_at or payment.created_at,
            "label": PAYMENT_LABELS.get(PaymentKind(payment.kind), "Payment"),
            "amount": format_amount(payment.amount, money),
            "refunded": format_amount(payment.amount_refunded, money)
            if payment.amount_refunded
            else "",
        }
        for payment in invoice.payments.filter(status=PaymentStatus.SUCCEEDED).order_by("id")
    ]
    credit_notes = [
        {
            "number": note.display_number,
            "at": note.created_at,
            "amount": format_amount(note.amount, money),
            "reason": note.reason,
            "to_credit": note.to_credit,
        }
        for note in invoice.credit_notes.select_related("series").order_by("number")
    ]
    context: dict[str, Any] = {
        "invoice": invoice,
        "draft": invoice.status == InvoiceStatus.DRAFT,
        "status": InvoiceStatus(invoice.status).label,
        "operator": {
            "name": profile.operator_name,
            "address": profile.operator_address,
            "website": profile.website,
            "vat_number": profile.billing.vat_number,
            "country": country_name(profile.billing.country),
        },
        "issued_country": country_name(invoice.issued_country),
        "rows": rows,
        "subtotal": format_amount(invoice.subtotal, money),
        "tax": format_amount(invoice.tax, money),
        "tax_note": tax_note(invoice, {line.tax_rate for line in lines}),
        "total": format_amount(invoice.total, money),
        "paid": format_amount(invoice.amount_paid, money),
        "credited": format_amount(invoice.amount_credited, money),
        "balance": format_amount(max(invoice.balance_due, 0), money),
        "payments": payments,
        "credit_notes": credit_notes,
        "printed": timezone.now(),
        "support_email": profile.support_email,
    }
    return render_to_string("billing/invoice_pdf.html", context)


class _NoFetching(URLFetcher):  # type: ignore[misc]
    """Refuses every URL: the invoice needs nothing outside its own HTML and inline CSS."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        raise ValueError("the invoice fetches nothing")


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as a PDF, made without any network access."""
    document = HTML(string=invoice_html(invoice), base_url=None, url_fetcher=_NoFetching())
    pdf: bytes = document.write_pdf()
    return pdf
