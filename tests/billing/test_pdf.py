"""The invoice PDF (billing.pdf): the operator from the profile, the issued-to snapshot, lines,
tax and its note, totals, payments and credit notes; nothing fetched."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from clientvault.billing import pdf
from clientvault.billing.services.payments import issue_credit_note, record_manual_payment
from tests.billing.support import draft, issued

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def text_of(document: bytes) -> str:
    assert document.startswith(b"%PDF")
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(document)).pages
    )


def test_it_prints_the_operator_the_customer_the_lines_and_the_totals(customer, billing_staff):
    invoice = issued(customer, 1999, 1)
    record_manual_payment(invoice=invoice, amount=500, note="", actor=billing_staff)
    issue_credit_note(invoice=invoice, amount=300, reason="slow support", actor=billing_staff)
    text = text_of(pdf.invoice_pdf(type(invoice).objects.get(pk=invoice.pk)))
    for expected in [
        "Invoice INV-000001",
        "Example Hosting Ltd",
        "1 Example Street, Ashburn, VA 20147, United States",
        "VAT number: EU372000041",
        "Ada Lovelace",
        "12 Marylebone Road",
        "NW1 5LR London",
        "United Kingdom",
        "Service 1",
        "EUR 19.99",
        "Subtotal EUR 20.00",
        "Total EUR 20.00",
        "Paid EUR 5.00",
        "Credited EUR 3.00",
        "Balance due EUR 12.00",
        "outside the scope of VAT",
        "CN-000001",
        "slow support",
        "Payment received",
    ]:
        assert expected in text, expected


def test_a_reverse_charged_invoice_says_so(nimbus):
    text = text_of(pdf.invoice_pdf(issued(nimbus, 10000)))
    assert "Nimbus Data GmbH" in text
    assert "VAT number: DE136695976" in text
    assert "Reverse charge: VAT to be accounted for by the recipient" in text
    assert "Article 196" in text


def test_an_eu_consumers_invoice_names_the_rate(outsider):
    text = text_of(pdf.invoice_pdf(issued(outsider, 10000)))
    assert "VAT EUR 19.00" in text
    assert "VAT at the Germany rate (19%), declared through the One-Stop Shop." in text


def test_the_pdf_prints_the_snapshot_not_the_person_as_they_are_now(customer):
    invoice = issued(customer, 1000)
    before = text_of(pdf.invoice_pdf(invoice))
    customer.given_name, customer.family_name = "Augusta", "King"
    customer.address_line1, customer.city, customer.country = "1 Ockham Park", "Surrey", "FR"
    customer.save()
    after = text_of(pdf.invoice_pdf(type(invoice).objects.get(pk=invoice.pk)))
    assert after == before
    assert "Augusta" not in after
    assert "Ockham" not in after


def test_a_draft_is_marked_as_not_an_invoice(customer):
    text = text_of(pdf.invoice_pdf(draft(customer, 1000)))
    assert "Draft: not an invoice" in text
    assert "Ada Lovelace" not in text


def test_values_are_escaped_and_nothing_is_fetched(customer, monkeypatch):
    asked: list[str] = []
    refuse = pdf._NoFetching.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return refuse(self, url, headers)

    monkeypatch.setattr(pdf._NoFetching, "fetch", spy)
    customer.given_name = '<img src="https://evil.example/x.png">'
    customer.save()
    invoice = issued(customer, 1000)
    assert "&lt;img" in pdf.invoice_html(invoice)
    pdf.invoice_pdf(invoice)
    assert asked == []
    with pytest.raises(ValueError, match="fetches nothing"):
        pdf._NoFetching().fetch("https://example.com/style.css")
