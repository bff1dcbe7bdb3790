"""``clientvault demo``'s billing: invoices in every status and payment methods through the test
gateway's hosted form, loaded once however often the demo runs."""

from __future__ import annotations

import sqlite3
from io import StringIO

import pytest
from django.core.management import call_command

from clientvault.accounts.models import Person
from clientvault.accounts.services.customers import find_person_by_email
from clientvault.billing import messages
from clientvault.billing.models import (
    CreditEntry,
    CreditNote,
    CreditReason,
    DunningStep,
    Invoice,
    InvoiceStatus,
    MethodKind,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentStatus,
    Plan,
    Price,
    Refund,
    Subscription,
)
from clientvault.billing.services.dunning import reminder_step
from clientvault.messaging.models import Message
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.reveal import reveal
from clientvault.web import demo_billing
from clientvault.web.demo import TELEPHONE_CUSTOMER
from clientvault.web.demo_billing import CARDS, CATALOGUE, IBANS

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

CHARGING = SystemActor("charging")


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def gateway_state(settings, tmp_path):
    settings.DEBUG = True
    settings.TEST_GATEWAY_STATE = state = tmp_path / "testgateway.sqlite3"
    return state


@pytest.fixture
def loaded(gateway_state):
    demo()
    return gateway_state


def account_of(username: str):
    if username == "kai":  # his account was opened by telephone
        return find_person_by_email(TELEPHONE_CUSTOMER["email"]).customer
    return Person.objects.get(user__username=username).customer


def invoices_of(username: str):
    return Invoice.objects.filter(customer=account_of(username))


def test_there_is_an_invoice_in_every_status(loaded):
    statuses = set(Invoice.objects.values_list("status", flat=True))
    assert statuses == set(InvoiceStatus.values)


def test_the_catalogue_has_every_plan_monthly_and_yearly_in_euros(loaded):
    codes = {o.code for o in CATALOGUE}
    assert codes <= set(Plan.objects.values_list("code", flat=True))
    cycles = set(Price.objects.values_list("plan__code", "cycle", "currency"))
    expected = {(o.code, c, "EUR") for o in CATALOGUE for c in ("monthly", "annually")}
    assert expected <= cycles
    for username in ("carol", "orbit.owner", "kai"):
        assert Subscription.objects.filter(customer=account_of(username)).exists()


def test_carol_paid_by_card_through_the_gateway_and_was_refunded_partly_and_wholly(loaded):
    charges = Payment.objects.filter(
        customer=account_of("carol"), kind=PaymentKind.CHARGE, status=PaymentStatus.SUCCEEDED
    )
    assert charges.count() == 3
    assert all(c.reference.startswith("ch_") and c.method.kind == MethodKind.CARD for c in charges)
    partly = next(c for c in charges if 0 < c.amount_refunded < c.amount)
    assert partly.invoice.status == InvoiceStatus.PAID
    wholly = next(c for c in charges if c.amount_refunded == c.amount)
    assert wholly.invoice.status == InvoiceStatus.REFUNDED
    assert Refund.objects.filter(payment__in=[partly, wholly]).count() == 2
    assert all(r.reference.startswith("re_") for r in Refund.objects.all())


def test_a_credit_note_became_credit_that_the_next_invoice_spent(loaded):
    note = CreditNote.objects.get(invoice__customer=account_of("carol"))
    assert note.to_credit
    assert note.invoice.status == InvoiceStatus.PAID
    applied = CreditEntry.objects.get(customer=account_of("carol"), reason=CreditReason.APPLIED)
    assert applied.amount == -note.amount
    spent_on = applied.invoice
    assert spent_on.status == InvoiceStatus.UNPAID
    assert 0 < spent_on.amount_paid < spent_on.total
    assert Payment.objects.filter(invoice=spent_on, kind=PaymentKind.CREDIT).exists()


def test_orbit_is_reverse_charged_pays_by_sepa_and_paid_part_by_bank_transfer(loaded):
    orbit = invoices_of("orbit.owner")
    assert orbit.exclude(status=InvoiceStatus.DRAFT).exists()
    assert all(i.reverse_charge and i.tax == 0 for i in orbit)
    assert {i.issued_vat_number for i in orbit} == {"IE6388047V"}
    sepa = PaymentMethod.objects.get(customer=account_of("orbit.owner"), kind=MethodKind.SEPA)
    assert sepa.is_default
    assert sepa.last4 == "5678"
    assert Payment.objects.filter(method=sepa, status=PaymentStatus.SUCCEEDED).exists()
    manual = Payment.objects.get(
        invoice__in=orbit, kind=PaymentKind.MANUAL, note__startswith="Bank transfer, first"
    )
    assert manual.invoice.status == InvoiceStatus.UNPAID
    assert 0 < manual.invoice.balance_due < manual.invoice.total
    assert orbit.filter(lines__subscription__isnull=False).exists()  # the billing run's


def test_kais_invoice_is_overdue_his_card_declined_and_a_reminder_sent(loaded):
    late = invoices_of("kai").get(status=InvoiceStatus.OVERDUE)
    assert late.tax > 0
    assert not late.reverse_charge
    failed = Payment.objects.get(invoice=late)
    assert (failed.status, failed.failure_code) == (PaymentStatus.FAILED, "insufficient_funds")
    assert list(DunningStep.objects.filter(invoice=late).values_list("step", flat=True)) == [
        reminder_step(3)
    ]
    assert Message.objects.filter(kind=messages.PAYMENT_REMINDER.key).count() == 1
    assert Message.objects.filter(kind=messages.PAYMENT_FAILED.key).count() == 1


def test_a_draft_and_cancelled_invoices_are_there(loaded):
    assert invoices_of("carol").filter(status=InvoiceStatus.DRAFT, number__isnull=True).exists()
    cancelled = Invoice.objects.filter(status=InvoiceStatus.CANCELLED)
    assert cancelled.count() == 2
    assert all(i.number and i.amount_paid == 0 for i in cancelled)


def test_carols_default_card_expires_next_month_and_she_was_told(loaded):
    visa = PaymentMethod.objects.get(customer=account_of("carol"), is_default=True)
    assert (visa.brand, visa.last4) == ("visa", "4242")
    assert visa.expiry_notice_sent_on is not None
    assert Message.objects.filter(kind=messages.CARD_EXPIRING.key).count() == 1


def test_every_method_is_a_token_the_gateway_handed_out(loaded):
    with sqlite3.connect(loaded) as db:
        known = {row[0] for row in db.execute("SELECT token FROM methods")}
    methods = PaymentMethod.objects.all()
    assert methods.count() == 5
    tokens = {str(reveal(m, "token", "payment_processing", CHARGING)) for m in methods}
    assert tokens <= known
    assert {m.gateway for m in methods} == {"test"}


def test_running_it_again_adds_nothing_and_asks_no_gateway(loaded, monkeypatch):
    def no_gateway() -> None:
        raise AssertionError("the second run started the test gateway")

    monkeypatch.setattr(demo_billing, "demo_gateway", no_gateway)
    models = (Invoice, Payment, PaymentMethod, Subscription, Plan, Price, CreditEntry, Message)
    before = [model.objects.count() for model in models]
    demo()
    assert [model.objects.count() for model in models] == before


def test_the_logins_say_where_payments_go_and_print_no_card_number(loaded):
    printed = demo("--logins")
    assert "Billing: invoices 1 draft," in printed
    assert "test gateway at http" in printed
    for number in [*CARDS, *IBANS]:
        assert number not in printed
        assert number.replace(" ", "") not in printed
