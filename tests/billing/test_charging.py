"""Charging an invoice: one attempt row per try, its idempotency key, never charged twice."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clientvault.billing.errors import BillingError, PaymentFailed
from clientvault.billing.models import InvoiceStatus, PaymentStatus
from clientvault.billing.services.charging import (
    attempt_key,
    charge_due_invoices,
    pay_invoice_now,
    resume_pending_payments,
)
from clientvault.messaging.models import Message
from clientvault.privacy.models import AuditEvent, Disclosure
from tests.billing.charging_support import (
    DECLINED,
    HANGING,
    an_invoice,
    gateway_charges,
    real_card,
)

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_paying_now_charges_the_balance_and_marks_the_invoice_paid(customer, gateway_server):
    card = real_card(customer, gateway_server)
    invoice = an_invoice(customer, 1500)
    payment = pay_invoice_now(invoice=invoice, method=card, actor=customer.user)
    invoice.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.amount == invoice.total == invoice.amount_paid
    assert invoice.status == InvoiceStatus.PAID
    assert payment.idempotency_key == attempt_key(invoice, 1)
    [charge] = gateway_charges(gateway_server)
    assert charge["amount"] == invoice.total
    assert Message.objects.filter(kind="billing.payment_received").count() == 1


def test_the_token_is_read_by_the_charging_job_and_the_hand_over_is_registered(
    customer, gateway_server
):
    card = real_card(customer, gateway_server)
    pay_invoice_now(invoice=an_invoice(customer), method=card, actor=customer.user)
    reveal = AuditEvent.objects.filter(action="reveal", object_id=str(card.pk)).get()
    assert reveal.actor_id == "system:charging"
    charge = Disclosure.objects.filter(reference=f"charge to payment method {card.pk}").get()
    assert charge.recipient_kind == "payment_processor"
    assert "user.financial.credit_card" in charge.categories


def test_a_declined_card_says_why_and_leaves_the_invoice_to_pay(customer, gateway_server):
    card = real_card(customer, gateway_server, DECLINED)
    invoice = an_invoice(customer)
    with pytest.raises(PaymentFailed, match="declined"):
        pay_invoice_now(invoice=invoice, method=card, actor=customer.user)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.UNPAID
    assert invoice.amount_paid == 0
    [failed] = invoice.payments.all()
    assert failed.status == PaymentStatus.FAILED
    assert failed.failure_code == "card_declined"
    assert Message.objects.filter(kind="billing.payment_failed").count() == 1


def test_trying_again_is_a_new_attempt_with_its_own_key(customer, gateway_server):
    declined = real_card(customer, gateway_server, DECLINED)
    good = real_card(customer, gateway_server)
    invoice = an_invoice(customer)
    with pytest.raises(PaymentFailed):
        pay_invoice_now(invoice=invoice, method=declined, actor=customer.user)
    second = pay_invoice_now(invoice=invoice, method=good, actor=customer.user)
    assert second.attempt == 2
    assert second.idempotency_key == attempt_key(invoice, 2)
    assert len(gateway_charges(gateway_server)) == 2


def test_a_timed_out_charge_is_settled_later_and_charged_only_once(
    customer, gateway_server, settings
):
    settings.PAYMENT_GATEWAY_TIMEOUT = 0.5
    card = real_card(customer, gateway_server, HANGING)
    invoice = an_invoice(customer)
    with pytest.raises(PaymentFailed, match="did not answer in time") as refusal:
        pay_invoice_now(invoice=invoice, method=card, actor=customer.user)
    assert refusal.value.code == "pending"
    [pending] = invoice.payments.all()
    assert pending.status == PaymentStatus.PENDING
    settings.PAYMENT_GATEWAY_TIMEOUT = 10
    run = resume_pending_payments(older_than=datetime.timedelta(0))
    assert run.succeeded == 1
    pending.refresh_from_db()
    invoice.refresh_from_db()
    assert pending.status == PaymentStatus.SUCCEEDED
    assert invoice.status == InvoiceStatus.PAID
    assert len(gateway_charges(gateway_server)) == 1  # the retry was answered, not charged


def test_paying_again_while_an_attempt_is_pending_resends_that_attempt(
    customer, gateway_server, settings
):
    settings.PAYMENT_GATEWAY_TIMEOUT = 0.5
    card = real_card(customer, gateway_server, HANGING)
    invoice = an_invoice(customer)
    with pytest.raises(PaymentFailed):
        pay_invoice_now(invoice=invoice, method=card, actor=customer.user)
    settings.PAYMENT_GATEWAY_TIMEOUT = 10
    payment = pay_invoice_now(invoice=invoice, method=card, actor=customer.user)
    assert payment.attempt == 1
    assert invoice.payments.count() == 1
    assert len(gateway_charges(gateway_server)) == 1


def test_a_paid_invoice_is_not_charged_again(customer, gateway_server):
    card = real_card(customer, gateway_server)
    invoice = an_invoice(customer)
    pay_invoice_now(invoice=invoice, method=card, actor=customer.user)
    with pytest.raises(BillingError, match="nothing left to pay"):
        pay_invoice_now(invoice=invoice, method=card, actor=customer.user)
    assert len(gateway_charges(gateway_server)) == 1


def test_it_refuses_another_accounts_method(customer, outsider, gateway_server):
    theirs = real_card(outsider, gateway_server)
    with pytest.raises(BillingError) as refusal:
        pay_invoice_now(invoice=an_invoice(customer), method=theirs, actor=customer.user)
    assert refusal.value.field == "method"
    assert gateway_charges(gateway_server) == []


def test_the_daily_charge_takes_each_due_invoice_once_a_day(customer, gateway_server):
    real_card(customer, gateway_server)
    invoice = an_invoice(customer)
    today = timezone.localdate()
    assert invoice.due_on is not None
    assert charge_due_invoices(today=invoice.due_on - datetime.timedelta(days=1)).attempted == 0
    first = charge_due_invoices(today=invoice.due_on)
    again = charge_due_invoices(today=invoice.due_on)
    assert (first.attempted, first.succeeded, again.attempted) == (1, 1, 0)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert today <= invoice.due_on


def test_the_daily_charge_tries_a_declined_invoice_again_the_next_day(customer, gateway_server):
    real_card(customer, gateway_server, DECLINED)
    invoice = an_invoice(customer)
    assert invoice.due_on is not None
    day = invoice.due_on
    assert charge_due_invoices(today=day).failed == 1
    assert charge_due_invoices(today=day).attempted == 0
    assert charge_due_invoices(today=day + datetime.timedelta(days=1)).failed == 1
    assert invoice.payments.count() == 2
