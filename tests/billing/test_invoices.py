"""Invoices (billing.services.invoices): drafts, validation, issuing, snapshot, cancel, overdue."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from clientvault.accounts.models import ClientLogEntry, ClientLogEvent
from clientvault.billing.errors import BillingError
from clientvault.billing.models import (
    CreditEntry,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentKind,
)
from clientvault.billing.services.accounts import update_billing_details
from clientvault.billing.services.invoices import (
    LineInput,
    cancel_invoice,
    create_invoice,
    issue_invoice,
    mark_overdue,
)
from clientvault.billing.services.payments import add_credit, record_manual_payment
from clientvault.messaging.models import Message
from clientvault.privacy.models import AuditEvent
from tests.billing.support import SYSTEM, draft, issued, lines, sent

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_a_draft_has_lines_and_totals_but_no_number(customer):
    invoice = draft(customer, 1000, 250)
    assert invoice.status == InvoiceStatus.DRAFT
    assert invoice.number is None
    assert (invoice.subtotal, invoice.total, invoice.currency) == (1250, 1250, "EUR")
    assert invoice.lines.count() == 2
    assert str(invoice) == f"draft {invoice.pk}"
    assert not sent("billing.invoice_issued")


@pytest.mark.parametrize(
    ("line", "field", "says"),
    [
        (
            LineInput("Hosting", -1, 100),
            "lines-0-quantity",
            "Line 1: the quantity must be at least",
        ),
        (
            LineInput("Hosting", 0, 100),
            "lines-0-quantity",
            "the quantity must be at least 1 (got 0)",
        ),
        (LineInput("Hosting", 1.5, 100), "lines-0-quantity", "must be a whole number (got 1.5)"),
        (LineInput("Hosting", "2.5", 100), "lines-0-quantity", "must be a whole number"),
        (LineInput("Hosting", True, 100), "lines-0-quantity", "must be a whole number"),
        (LineInput("Hosting", 1, -5), "lines-0-unit_amount", "cannot be negative"),
        (LineInput("Hosting", 1, 9.5), "lines-0-unit_amount", "whole number of cents (got 9.5)"),
        (LineInput("  ", 1, 100), "lines-0-description", "Line 1: the description is required"),
        (LineInput("x" * 201, 1, 100), "lines-0-description", "longer than 200"),
    ],
)
def test_a_bad_line_is_refused_naming_the_line_and_field(customer, line, field, says):
    with pytest.raises(BillingError) as caught:
        create_invoice(customer=customer.customer, lines=[line], actor=SYSTEM)
    assert caught.value.field == field
    assert says in caught.value.text
    assert not Invoice.objects.exists()


def test_the_second_bad_line_is_named_as_line_two(customer):
    good, bad = LineInput("Hosting", 1, 100), LineInput("Domain", -3, 100)
    with pytest.raises(BillingError, match="Line 2: the quantity") as caught:
        create_invoice(customer=customer.customer, lines=[good, bad], actor=SYSTEM)
    assert caught.value.field == "lines-1-quantity"


def test_an_invoice_needs_a_line(customer):
    with pytest.raises(BillingError, match="at least one line"):
        create_invoice(customer=customer.customer, lines=[], actor=SYSTEM)


def test_whole_numbers_given_as_text_or_decimals_are_taken(customer):
    invoice = create_invoice(
        customer=customer.customer,
        lines=[LineInput("Hosting", Decimal("2"), "150")],  # type: ignore[arg-type]
        actor=SYSTEM,
    )
    assert invoice.lines.get().amount == 300


def test_issuing_numbers_snapshots_and_sends(customer):
    invoice = issued(customer, 1000, 500)
    today = timezone.localdate()
    assert invoice.status == InvoiceStatus.UNPAID
    assert invoice.number == 1
    assert invoice.display_number == "INV-000001"
    assert invoice.due_on == today + datetime.timedelta(days=14)
    assert invoice.issued_name == "Ada Lovelace"
    assert invoice.issued_address == "12 Marylebone Road\nNW1 5LR London"
    assert invoice.issued_country == "GB"
    # the operator is taxed in the US: a UK consumer is outside the scope of EU VAT
    assert (invoice.subtotal, invoice.tax, invoice.total) == (1500, 0, 1500)
    assert [m["number"] for m in sent("billing.invoice_issued")] == ["INV-000001"]
    message = sent("billing.invoice_issued")[0]
    assert (message["total"], message["balance"]) == ("EUR 15.00", "EUR 15.00")
    log = ClientLogEntry.objects.get(event=ClientLogEvent.INVOICE_ISSUED)
    assert log.detail == "INV-000001, EUR 15.00"
    event = AuditEvent.objects.get(action="invoice.issued")
    assert event.subject_id == customer.subject_id
    assert event.details["number"] == 1
    assert issued(customer, 100).number == 2


def test_an_eu_consumer_pays_their_countrys_vat_per_line(outsider):
    invoice = issued(outsider, 999, 1)
    rates = set(invoice.lines.values_list("tax_rate", flat=True))
    assert rates == {Decimal("19.00")}
    # 19% of 9.99 = 1.8981 -> 1.90; 19% of 0.01 = 0.0019 -> 0.00
    assert (invoice.subtotal, invoice.tax, invoice.total) == (1000, 190, 1190)
    assert not invoice.reverse_charge


def test_an_eu_business_with_a_vat_number_is_reverse_charged(nimbus):
    invoice = issued(nimbus, 10000)
    assert invoice.reverse_charge
    assert (invoice.tax, invoice.total) == (0, 10000)
    assert invoice.issued_organisation == "Nimbus Data GmbH"
    assert invoice.issued_vat_number == "DE136695976"
    assert invoice.issued_name == "Nina Mallory"


def test_an_issued_invoice_keeps_what_the_person_was_when_it_was_issued(customer):
    invoice = issued(customer, 1000)
    customer.given_name, customer.address_line1, customer.country = "Augusta", "1 New St", "FR"
    customer.save()
    again = Invoice.objects.get(pk=invoice.pk)
    assert (again.issued_name, again.issued_country) == ("Ada Lovelace", "GB")
    assert again.issued_address.startswith("12 Marylebone Road")
    assert issued(customer, 1000).issued_name == "Augusta Lovelace"


def test_the_billing_contact_is_the_one_invoiced_and_told(customer, teammate):
    update_billing_details(
        customer=customer.customer, contact=teammate, vat_number="", actor=customer.user
    )
    invoice = issued(customer, 1000)
    assert invoice.issued_name == "Grace Teammate"
    message = Message.objects.get(kind="billing.invoice_issued")
    assert message.subject_id == teammate.subject_id
    assert AuditEvent.objects.get(action="invoice.issued").subject_id == teammate.subject_id


def test_an_invoice_is_issued_once(customer):
    invoice = issued(customer, 1000)
    with pytest.raises(BillingError, match="Only a draft can be issued: this invoice is unpaid"):
        issue_invoice(invoice=invoice, actor=SYSTEM)
    assert Invoice.objects.get(pk=invoice.pk).number == 1


def test_a_due_date_before_today_is_refused(customer):
    invoice = draft(customer, 1000)
    with pytest.raises(BillingError, match="due date") as caught:
        issue_invoice(
            invoice=invoice, actor=SYSTEM, due_on=timezone.localdate() - datetime.timedelta(days=1)
        )
    assert caught.value.field == "due_on"


def test_account_credit_is_spent_on_an_invoice_when_it_is_issued(customer, billing_staff):
    add_credit(customer=customer.customer, amount=400, note="goodwill", actor=billing_staff)
    invoice = issued(customer, 1000)
    assert (invoice.amount_paid, invoice.balance_due, invoice.status) == (400, 600, "unpaid")
    payment = Payment.objects.get(invoice=invoice)
    assert (payment.kind, payment.amount) == (PaymentKind.CREDIT, 400)
    assert invoice.customer.billing.credit == 0
    assert CreditEntry.objects.filter(reason="applied").get().balance_after == 0
    assert sent("billing.invoice_issued")[0]["balance"] == "EUR 6.00"


def test_credit_covering_the_invoice_pays_it(customer, billing_staff):
    add_credit(customer=customer.customer, amount=5000, note="prepaid", actor=billing_staff)
    invoice = issued(customer, 1000)
    assert (invoice.status, invoice.balance_due) == (InvoiceStatus.PAID, 0)
    assert invoice.paid_at is not None
    assert Invoice.objects.get(pk=invoice.pk).customer.billing.credit == 4000


def test_a_free_invoice_is_paid_when_issued(customer):
    assert issued(customer, 0).status == InvoiceStatus.PAID


def test_cancelling_an_unpaid_invoice(customer, billing_staff):
    invoice = cancel_invoice(
        invoice=issued(customer, 1000), reason="ordered twice", actor=billing_staff
    )
    assert invoice.status == InvoiceStatus.CANCELLED
    assert invoice.closed_at is not None
    log = ClientLogEntry.objects.get(event=ClientLogEvent.INVOICE_CANCELLED)
    assert log.detail == "INV-000001: ordered twice"
    assert AuditEvent.objects.get(action="invoice.cancelled").details["from"] == "unpaid"


def test_a_cancelled_draft_takes_the_next_number(customer):
    invoice = cancel_invoice(invoice=draft(customer, 1000), reason="wrong", actor=SYSTEM)
    assert (invoice.status, invoice.number) == (InvoiceStatus.CANCELLED, 1)
    assert issued(customer, 100).number == 2


@pytest.mark.parametrize("status", ["paid", "cancelled", "refunded"])
def test_cancelling_is_refused_from_a_closed_status_saying_which(customer, status):
    invoice = issued(customer, 1000)
    Invoice.objects.filter(pk=invoice.pk).update(status=status)
    with pytest.raises(BillingError) as caught:
        cancel_invoice(invoice=invoice, reason="no", actor=SYSTEM)
    assert caught.value.text == f"An invoice that is {status} cannot be cancelled."
    assert Invoice.objects.get(pk=invoice.pk).status == status


def test_an_invoice_with_a_payment_is_not_cancelled(customer, billing_staff):
    invoice = issued(customer, 1000)
    record_manual_payment(invoice=invoice, amount=100, note="", actor=billing_staff)
    with pytest.raises(BillingError, match="refund them or issue a credit note"):
        cancel_invoice(invoice=invoice, reason="no", actor=billing_staff)


def test_cancelling_needs_a_reason(customer):
    with pytest.raises(BillingError, match="Say why") as caught:
        cancel_invoice(invoice=issued(customer, 1000), reason=" ", actor=SYSTEM)
    assert caught.value.field == "reason"


def test_unpaid_invoices_past_their_due_date_become_overdue(customer):
    late, on_time = issued(customer, 1000), issued(customer, 2000)
    paid = issued(customer, 0)
    Invoice.objects.filter(pk=late.pk).update(due_on=datetime.date(2026, 1, 1))
    Invoice.objects.filter(pk=paid.pk).update(due_on=datetime.date(2026, 1, 1))
    assert mark_overdue(today=datetime.date(2026, 1, 2)) == 1
    statuses = dict(Invoice.objects.values_list("pk", "status"))
    assert statuses == {late.pk: "overdue", on_time.pk: "unpaid", paid.pk: "paid"}
    assert mark_overdue(today=datetime.date(2026, 1, 2)) == 0
    assert AuditEvent.objects.get(action="invoice.overdue").details["count"] == 1


def test_lines_are_kept_with_the_rate_they_were_taxed_at(outsider):
    invoice = issued(outsider, *[100] * 5)
    assert InvoiceLine.objects.filter(invoice=invoice, tax_rate=Decimal("19.00")).count() == 5
    assert lines(1)[0].description == "Service 1"
