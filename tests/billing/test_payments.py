"""Money (billing.services.payments): manual payments, settling charges, refunds, credit notes,
account credit."""

from __future__ import annotations

import pytest

from clientvault.accounts.models import ClientLogEntry, ClientLogEvent
from clientvault.billing.errors import BillingError
from clientvault.billing.gateways.base import GatewayError, RefundResult
from clientvault.billing.models import (
    BillingAccount,
    CreditEntry,
    CreditNote,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentKind,
    PaymentStatus,
    Refund,
)
from clientvault.billing.services import payments
from clientvault.billing.services.invoices import cancel_invoice
from clientvault.billing.services.payments import (
    add_credit,
    apply_credit,
    issue_credit_note,
    record_manual_payment,
    refund_payment,
    settle_payment,
)
from clientvault.privacy.models import AuditEvent
from tests.billing.support import SYSTEM, draft, issued, sent

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def fresh(invoice: Invoice) -> Invoice:
    return Invoice.objects.get(pk=invoice.pk)


def credit_of(person) -> int:
    return BillingAccount.objects.get(customer=person.customer).credit


def charge(invoice: Invoice, amount: int, key: str = "k1") -> Payment:
    """A charge attempt as the charging code records it before asking the gateway."""
    return Payment.objects.create(
        invoice=invoice,
        customer_id=invoice.customer_id,
        kind=PaymentKind.CHARGE,
        status=PaymentStatus.PENDING,
        amount=amount,
        currency=invoice.currency,
        idempotency_key=key,
    )


class FakeGateway:
    """Refunds as a gateway would: once per idempotency key, whatever the retries."""

    name = "fake"

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, str]] = []
        self.done: dict[str, RefundResult] = {}
        self.fail_next: Exception | None = None
        self.decline = False

    def refund(self, *, charge_ref: str, amount: int, idempotency_key: str) -> RefundResult:
        self.calls.append((charge_ref, amount, idempotency_key))
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            self.done.setdefault(idempotency_key, RefundResult(f"re_{len(self.done)}", True))
            raise error  # the refund happened, but the answer was lost
        if self.decline:
            return RefundResult("", False, "charge already disputed")
        return self.done.setdefault(idempotency_key, RefundResult(f"re_{len(self.done)}", True))


@pytest.fixture
def gateway(monkeypatch):
    fake = FakeGateway()
    monkeypatch.setattr(payments, "current_gateway", lambda: fake)
    return fake


# -- manual payments ------------------------------------------------------------------------------


def test_a_partial_then_a_final_manual_payment(customer, billing_staff):
    invoice = issued(customer, 1000)
    record_manual_payment(invoice=invoice, amount=400, note="transfer 1", actor=billing_staff)
    assert (fresh(invoice).balance_due, fresh(invoice).status) == (600, "unpaid")
    payment = record_manual_payment(
        invoice=invoice, amount=600, note="transfer 2", actor=billing_staff
    )
    invoice = fresh(invoice)
    assert (invoice.status, invoice.amount_paid, invoice.balance_due) == ("paid", 1000, 0)
    assert invoice.paid_at is not None
    assert (payment.kind, payment.status, payment.recorded_by) == (
        "manual",
        "succeeded",
        billing_staff,
    )
    assert [m["balance"] for m in sent("billing.payment_received")] == ["EUR 6.00", "EUR 0.00"]
    assert ClientLogEntry.objects.filter(event=ClientLogEvent.PAYMENT_RECEIVED).count() == 2
    assert AuditEvent.objects.filter(action="payment.received").count() == 2


def test_more_than_the_balance_due_is_refused(customer, billing_staff):
    invoice = issued(customer, 1000)
    with pytest.raises(BillingError) as caught:
        record_manual_payment(invoice=invoice, amount=1001, note="", actor=billing_staff)
    assert caught.value.field == "amount"
    assert "(EUR 10.01) is more than the balance due (EUR 10.00)" in caught.value.text
    assert not Payment.objects.exists()


def test_a_payment_in_another_currency_is_refused(customer, billing_staff):
    invoice = issued(customer, 1000)
    with pytest.raises(BillingError) as caught:
        record_manual_payment(
            invoice=invoice, amount=1000, note="", actor=billing_staff, currency="USD"
        )
    assert caught.value.field == "currency"
    assert caught.value.text == "The invoice is in EUR: record the payment in EUR, not USD."
    assert fresh(invoice).amount_paid == 0


@pytest.mark.parametrize("amount", [0, -5, 10.5, True])
def test_an_amount_must_be_a_positive_whole_number(customer, billing_staff, amount):
    with pytest.raises(BillingError) as caught:
        record_manual_payment(invoice=issued(customer, 1000), amount=amount, note="", actor=SYSTEM)
    assert caught.value.field == "amount"


def test_a_draft_or_closed_invoice_takes_no_payment(customer, billing_staff):
    with pytest.raises(BillingError, match="An invoice that is draft takes no payment"):
        record_manual_payment(invoice=draft(customer, 1000), amount=10, note="", actor=SYSTEM)
    cancelled = cancel_invoice(invoice=issued(customer, 1000), reason="x", actor=SYSTEM)
    with pytest.raises(BillingError, match="An invoice that is cancelled takes no payment"):
        record_manual_payment(invoice=cancelled, amount=10, note="", actor=SYSTEM)


# -- settling charges -----------------------------------------------------------------------------


def test_settling_a_charge_pays_the_invoice_once(customer):
    invoice = issued(customer, 1000)
    attempt = charge(invoice, 1000)
    for _ in range(2):  # a replayed webhook, a retried job
        settle_payment(payment=attempt, succeeded=True, reference="ch_1", actor=SYSTEM)
    invoice = fresh(invoice)
    assert (invoice.status, invoice.amount_paid) == ("paid", 1000)
    assert Payment.objects.get().status == "succeeded"
    assert Payment.objects.get().reference == "ch_1"
    assert len(sent("billing.payment_received")) == 1


def test_a_failed_charge_is_recorded_and_told(customer):
    invoice = issued(customer, 1000)
    attempt = charge(invoice, 1000)
    settle_payment(
        payment=attempt,
        succeeded=False,
        reference="ch_2",
        failure_code="card_declined",
        failure_message="Your card was declined.",
        actor=SYSTEM,
    )
    settle_payment(payment=attempt, succeeded=False, reference="ch_2", actor=SYSTEM)
    assert fresh(invoice).amount_paid == 0
    assert Payment.objects.get().failure_code == "card_declined"
    assert [m["reason"] for m in sent("billing.payment_failed")] == ["Your card was declined."]
    assert ClientLogEntry.objects.filter(event=ClientLogEvent.PAYMENT_FAILED).count() == 1
    with pytest.raises(BillingError, match="already failed; it cannot be marked succeeded"):
        settle_payment(payment=attempt, succeeded=True, reference="ch_2", actor=SYSTEM)
    assert fresh(invoice).amount_paid == 0


def test_a_charge_beyond_what_is_due_becomes_account_credit(customer, billing_staff):
    invoice = issued(customer, 1000)
    attempt = charge(invoice, 1000)
    record_manual_payment(invoice=invoice, amount=700, note="", actor=billing_staff)
    settle_payment(payment=attempt, succeeded=True, reference="ch_3", actor=SYSTEM)
    assert (fresh(invoice).status, fresh(invoice).amount_paid) == ("paid", 1000)
    assert credit_of(customer) == 700
    assert CreditEntry.objects.get().reason == "overpayment"


# -- refunds --------------------------------------------------------------------------------------


def paid_by_charge(person, amount: int = 1000) -> Payment:
    invoice = issued(person, amount)
    return settle_payment(
        payment=charge(invoice, amount), succeeded=True, reference="ch_9", actor=SYSTEM
    )


def test_a_charge_is_refunded_at_the_gateway_with_a_key_stored_first(
    customer, gateway, billing_staff
):
    payment = paid_by_charge(customer)
    refund = refund_payment(payment=payment, amount=400, reason="downtime", actor=billing_staff)
    assert gateway.calls == [("ch_9", 400, refund.idempotency_key)]
    assert refund.reference == "re_0"
    invoice = fresh(payment.invoice)
    assert (invoice.status, invoice.amount_paid) == ("paid", 600)
    refund_payment(payment=payment, amount=600, reason="closing", actor=billing_staff)
    invoice = fresh(invoice)
    assert (invoice.status, invoice.amount_paid) == (InvoiceStatus.REFUNDED, 0)
    assert Payment.objects.get(pk=payment.pk).amount_refunded == 1000
    assert ClientLogEntry.objects.filter(event=ClientLogEvent.REFUND_MADE).count() == 2


def test_a_refund_above_what_is_left_is_refused(customer, gateway, billing_staff):
    payment = paid_by_charge(customer)
    refund_payment(payment=payment, amount=700, reason="a", actor=billing_staff)
    with pytest.raises(BillingError) as caught:
        refund_payment(payment=payment, amount=301, reason="b", actor=billing_staff)
    assert caught.value.field == "amount"
    assert (
        "(EUR 3.01) is more than is left to refund of this payment (EUR 3.00)" in caught.value.text
    )
    assert len(gateway.calls) == 1


def test_the_database_refuses_a_refund_beyond_the_payment(customer, gateway):
    from django.db import IntegrityError, transaction

    payment = paid_by_charge(customer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(amount_refunded=1001)


def test_a_lost_answer_is_retried_with_the_same_key_and_refunds_once(
    customer, gateway, billing_staff
):
    payment = paid_by_charge(customer)
    gateway.fail_next = GatewayError("timeout")
    with pytest.raises(BillingError, match="did not answer") as caught:
        refund_payment(payment=payment, amount=500, reason="x", actor=billing_staff)
    assert caught.value.code == "pending"
    pending = Refund.objects.get()
    assert pending.reference == ""
    assert fresh(payment.invoice).amount_paid == 1000  # not counted until the gateway says
    with pytest.raises(BillingError, match="still waiting for the payment service"):
        refund_payment(payment=payment, amount=200, reason="x", actor=billing_staff)
    refund = refund_payment(payment=payment, amount=500, reason="x", actor=billing_staff)
    assert refund.pk == pending.pk
    assert [call[2] for call in gateway.calls] == [pending.idempotency_key] * 2
    assert len(gateway.done) == 1  # the gateway refunded once
    assert fresh(payment.invoice).amount_paid == 500
    assert Payment.objects.get(pk=payment.pk).amount_refunded == 500


def test_a_refused_refund_leaves_nothing_reserved(customer, gateway, billing_staff):
    payment = paid_by_charge(customer)
    gateway.decline = True
    with pytest.raises(BillingError, match="refused the refund: charge already disputed"):
        refund_payment(payment=payment, amount=500, reason="x", actor=billing_staff)
    assert not Refund.objects.exists()
    assert Payment.objects.get(pk=payment.pk).amount_refunded == 0
    assert fresh(payment.invoice).amount_paid == 1000


def test_a_manual_payment_is_refunded_as_a_record(customer, gateway, billing_staff):
    invoice = issued(customer, 1000)
    payment = record_manual_payment(invoice=invoice, amount=1000, note="", actor=billing_staff)
    refund = refund_payment(payment=payment, amount=1000, reason="paid twice", actor=billing_staff)
    assert gateway.calls == []
    assert (refund.reference, refund.created_by) == ("manual", billing_staff)
    assert fresh(invoice).status == InvoiceStatus.REFUNDED


def test_a_pending_or_credit_payment_is_not_refunded(customer, gateway, billing_staff):
    invoice = issued(customer, 1000)
    with pytest.raises(BillingError, match="Only a payment that succeeded"):
        refund_payment(payment=charge(invoice, 1000), amount=10, reason="x", actor=billing_staff)
    add_credit(customer=customer.customer, amount=100, note="x", actor=billing_staff)
    apply_credit(invoice=invoice, actor=billing_staff)
    from_credit = Payment.objects.get(kind="credit")
    with pytest.raises(BillingError, match="issue a credit note instead"):
        refund_payment(payment=from_credit, amount=10, reason="x", actor=billing_staff)


# -- credit notes ---------------------------------------------------------------------------------


def test_a_credit_note_reduces_an_unpaid_invoice(customer, billing_staff):
    invoice = issued(customer, 1000)
    note = issue_credit_note(invoice=invoice, amount=300, reason="discount", actor=billing_staff)
    assert (note.number, note.display_number, note.to_credit) == (1, "CN-000001", False)
    invoice = fresh(invoice)
    assert (invoice.amount_credited, invoice.balance_due, invoice.status) == (300, 700, "unpaid")
    assert ClientLogEntry.objects.get(event=ClientLogEvent.CREDIT_NOTE_ISSUED).detail == (
        "CN-000001, EUR 3.00 on INV-000001"
    )


def test_a_credit_note_for_all_that_is_left_closes_the_invoice(customer, billing_staff):
    untouched = issued(customer, 1000)
    issue_credit_note(invoice=untouched, amount=1000, reason="never used", actor=billing_staff)
    assert fresh(untouched).status == InvoiceStatus.CANCELLED
    part_paid = issued(customer, 1000)
    record_manual_payment(invoice=part_paid, amount=600, note="", actor=billing_staff)
    issue_credit_note(invoice=part_paid, amount=400, reason="settled", actor=billing_staff)
    assert fresh(part_paid).status == InvoiceStatus.PAID
    assert list(CreditNote.objects.order_by("number").values_list("number", flat=True)) == [1, 2]


def test_a_credit_note_on_a_paid_invoice_becomes_account_credit(customer, billing_staff):
    invoice = issued(customer, 1000)
    record_manual_payment(invoice=invoice, amount=1000, note="", actor=billing_staff)
    note = issue_credit_note(invoice=invoice, amount=250, reason="outage", actor=billing_staff)
    assert note.to_credit
    assert credit_of(customer) == 250
    assert fresh(invoice).status == InvoiceStatus.PAID
    entry = CreditEntry.objects.get()
    assert (entry.reason, entry.note, entry.balance_after) == ("credit_note", "CN-000001", 250)
    with pytest.raises(
        BillingError, match=r"more than can be credited on this invoice \(EUR 7\.50\)"
    ):
        issue_credit_note(invoice=invoice, amount=751, reason="again", actor=billing_staff)


def test_a_credit_note_above_the_balance_is_refused(customer, billing_staff):
    invoice = issued(customer, 1000)
    with pytest.raises(BillingError) as caught:
        issue_credit_note(invoice=invoice, amount=1001, reason="x", actor=billing_staff)
    assert caught.value.field == "amount"
    assert not CreditNote.objects.exists()


def test_a_draft_takes_no_credit_note(customer, billing_staff):
    with pytest.raises(BillingError, match="An invoice that is draft takes no credit note"):
        issue_credit_note(invoice=draft(customer, 1000), amount=10, reason="x", actor=billing_staff)


# -- account credit -------------------------------------------------------------------------------


def test_credit_is_added_and_spent_with_a_ledger_entry_each(customer, billing_staff):
    add_credit(customer=customer.customer, amount=1500, note="goodwill", actor=billing_staff)
    first, second = issued(customer, 1000), issued(customer, 1000)  # issuing spends 1000 + 500
    assert (fresh(first).status, fresh(second).balance_due) == ("paid", 500)
    assert credit_of(customer) == 0
    entries = list(CreditEntry.objects.order_by("id").values_list("amount", "balance_after"))
    assert entries == [(1500, 1500), (-1000, 500), (-500, 0)]
    assert apply_credit(invoice=second, actor=billing_staff) == 0


def test_apply_credit_takes_the_least_of_credit_balance_and_amount(customer, billing_staff):
    invoice = issued(customer, 1000)
    add_credit(customer=customer.customer, amount=800, note="x", actor=billing_staff)
    assert apply_credit(invoice=invoice, actor=billing_staff, amount=300) == 300
    assert apply_credit(invoice=invoice, actor=billing_staff) == 500
    assert (fresh(invoice).balance_due, credit_of(customer)) == (200, 0)
    assert ClientLogEntry.objects.filter(event=ClientLogEvent.CREDIT_APPLIED).count() == 2
    assert Payment.objects.filter(kind="credit").count() == 2


def test_the_database_refuses_negative_credit(customer, billing_staff):
    from django.db import IntegrityError, transaction

    add_credit(customer=customer.customer, amount=100, note="x", actor=billing_staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        BillingAccount.objects.filter(customer=customer.customer).update(credit=-1)


def test_adding_credit_needs_a_note_and_a_positive_amount(customer, billing_staff):
    with pytest.raises(BillingError, match="The note is required"):
        add_credit(customer=customer.customer, amount=100, note="", actor=billing_staff)
    with pytest.raises(BillingError, match="more than zero"):
        add_credit(customer=customer.customer, amount=0, note="x", actor=billing_staff)
    assert ClientLogEntry.objects.filter(event=ClientLogEvent.CREDIT_ADDED).count() == 0
