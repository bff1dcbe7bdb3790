"""Charging invoices to payment methods: one ``Payment`` row per attempt, never charged twice.

An attempt is written (``pending``, with its idempotency key) and committed *before* the gateway
is called; the gateway honours the key. So whatever stops a worker — a timeout, a crash between
the gateway's answer and our commit — the next run finds the pending attempt and sends it again
with the same key, and the gateway answers with the first outcome instead of charging again.
A webhook that reports the outcome first settles the same row (``services.webhooks``).

The token is read through ``reveal()`` by the charging job's own actor (the profile grants the
``system`` role ``payment_processing``), whoever asked for the charge; the customer who pressed
"Pay now" is the actor of the payment's audit event.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from clientvault.billing.errors import BillingError, PaymentFailed
from clientvault.billing.gateways.base import GatewayError, GatewayRefused
from clientvault.billing.gateways.registry import gateway_named
from clientvault.billing.models import (
    OPEN_STATUSES,
    Invoice,
    MethodStatus,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentStatus,
)
from clientvault.billing.services.handover import disclose_charge, gateway_customer_ref
from clientvault.billing.services.payments import settle_payment
from clientvault.privacy.actors import Actor, SystemActor
from clientvault.privacy.reveal import reveal
from clientvault.privacy.services.audit import record_event

CHARGING = SystemActor("charging")
MAX_ATTEMPTS = 4  # automatic attempts per invoice; after that only the payer or staff retries
DECLINE_MESSAGES = {
    "card_declined": "Your card was declined. Please use another payment method.",
    "insufficient_funds": "The payment was declined for insufficient funds.",
    "expired_card": "The card has expired. Please add a card that is valid.",
}
PROCESSING = (
    "The payment service accepted the payment and is processing it (a direct debit takes a "
    "few days). We will e-mail you when it is settled; please don't pay again."
)
UNKNOWN_OUTCOME = (
    "The payment service did not answer in time. We have not charged you twice and will "
    "confirm the payment shortly; please don't pay again."
)


@dataclass(frozen=True)
class ChargeRun:
    attempted: int = 0
    succeeded: int = 0
    failed: int = 0
    pending: int = 0


def attempt_key(invoice: Invoice, attempt: int) -> str:
    """The attempt's idempotency key: the invoice's id and the moment it was made (so a
    database started afresh, or another one sharing the gateway account, never reuses a key the
    gateway already answered with another charge), and the attempt's number."""
    made = int(invoice.created_at.timestamp() * 1_000_000)
    return f"cv-invoice-{invoice.pk}-{made:x}-attempt-{attempt}"


def _check_method(invoice: Invoice, method: PaymentMethod) -> None:
    if method.customer_id != invoice.customer_id or method.status != MethodStatus.ACTIVE:
        raise BillingError("Choose one of your account's payment methods.", field="method")
    if method.expires_before(timezone.localdate()):
        raise BillingError("That card has expired; choose another method.", field="method")


def open_attempt(
    *,
    invoice: Invoice,
    method: PaymentMethod,
    actor: Actor | None,
    on: datetime.date | None = None,
) -> Payment:
    """The invoice's pending attempt, or a new one for its balance due (committed on return);
    ``on`` is the billing day it counts for (today by default)."""
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        pending = locked.payments.filter(kind=PaymentKind.CHARGE, status=PaymentStatus.PENDING)
        found = pending.order_by("attempt").first()
        if found is not None:
            return found
        if locked.status not in OPEN_STATUSES or locked.balance_due <= 0:
            raise BillingError(f"Invoice {locked.display_number} has nothing left to pay.")
        _check_method(locked, method)
        attempt = locked.payments.filter(kind=PaymentKind.CHARGE).count() + 1
        payment = Payment.objects.create(
            invoice=locked,
            customer_id=locked.customer_id,
            kind=PaymentKind.CHARGE,
            status=PaymentStatus.PENDING,
            method=method,
            amount=locked.balance_due,
            currency=locked.currency,
            attempt=attempt,
            attempted_on=on or timezone.localdate(),
            idempotency_key=attempt_key(locked, attempt),
        )
        record_event(
            action="billing.charge_started",
            actor=actor,
            subject_id=None,
            obj=payment,
            details={"invoice": locked.pk, "attempt": attempt, "method": method.pk},
        )
    return payment


def send_attempt(*, payment: Payment) -> Payment:
    """Send a pending attempt to its gateway; settled, or still pending if it did not answer."""
    if payment.status != PaymentStatus.PENDING:
        return payment
    method = payment.method
    if method is None:
        return settle_payment(
            payment=payment,
            succeeded=False,
            reference="",
            failure_code="method_removed",
            failure_message="The payment method was removed.",
            actor=CHARGING,
        )
    gateway = gateway_named(method.gateway)
    try:
        customer_ref = gateway_customer_ref(customer=method.customer, actor=CHARGING)
        disclose_charge(method=method, actor=CHARGING)
    except BillingError as refusal:  # the policy profile does not allow the hand-over
        return settle_payment(
            payment=payment,
            succeeded=False,
            reference="",
            failure_code="not_allowed",
            failure_message=refusal.text[:200],
            actor=CHARGING,
        )
    except GatewayError:
        return payment
    try:
        result = gateway.charge(
            customer_ref=customer_ref,
            token=reveal(method, "token", "payment_processing", CHARGING),
            amount=payment.amount,
            currency=payment.currency,
            idempotency_key=payment.idempotency_key
            or attempt_key(payment.invoice, payment.attempt),
            description=f"Invoice {payment.invoice.display_number}",
        )
    except GatewayError:
        return payment
    except GatewayRefused:
        return settle_payment(
            payment=payment,
            succeeded=False,
            reference="",
            failure_code="refused",
            failure_message="The payment service refused the request.",
            actor=CHARGING,
        )
    if result.pending:  # accepted, settled later (a SEPA debit): its webhook will say how
        return _await_outcome(payment, result.reference)
    return settle_payment(
        payment=payment,
        succeeded=result.succeeded,
        reference=result.reference,
        failure_code=result.failure_code,
        failure_message=DECLINE_MESSAGES.get(result.failure_code, result.failure_message)[:200],
        actor=CHARGING,
    )


def _await_outcome(payment: Payment, reference: str) -> Payment:
    """Keep the attempt pending under the gateway's reference, for its webhook to settle."""
    Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING).update(
        reference=reference[:128]
    )
    payment.refresh_from_db()
    return payment


def pay_invoice_now(*, invoice: Invoice, method: PaymentMethod, actor: Actor) -> Payment:
    """Charge the invoice's balance due now (the payer's "Pay now", or staff).

    Raises :class:`PaymentFailed` with a sentence for the payer when the charge is declined or
    its outcome is not known yet (it is then settled later, never charged twice).
    """
    payment = send_attempt(payment=open_attempt(invoice=invoice, method=method, actor=actor))
    if payment.status == PaymentStatus.FAILED:
        raise PaymentFailed(payment.failure_message or "The payment was declined.")
    if payment.status == PaymentStatus.PENDING:
        raise PaymentFailed(PROCESSING if payment.reference else UNKNOWN_OUTCOME, code="pending")
    return payment


def _due_for_charging(today: datetime.date) -> QuerySet[Invoice]:
    """Open invoices due by today with a default method, fewer than MAX_ATTEMPTS automatic
    attempts and none today."""
    tried_today = Payment.objects.filter(
        invoice=OuterRef("pk"), kind=PaymentKind.CHARGE, attempted_on__gte=today
    )
    default = PaymentMethod.objects.filter(
        customer=OuterRef("customer"), is_default=True, status=MethodStatus.ACTIVE
    )
    return (
        Invoice.objects.filter(status__in=OPEN_STATUSES, due_on__lte=today)
        .filter(total__gt=F("amount_paid") + F("amount_credited"))
        .annotate(attempts=Count("payments", filter=Q(payments__kind=PaymentKind.CHARGE)))
        .filter(attempts__lt=MAX_ATTEMPTS)
        .filter(Exists(default), ~Exists(tried_today))
        .order_by("pk")
    )


def _default_method(invoice: Invoice) -> PaymentMethod | None:
    return PaymentMethod.objects.filter(
        customer_id=invoice.customer_id, is_default=True, status=MethodStatus.ACTIVE
    ).first()


def _tally(run: ChargeRun, payment: Payment) -> ChargeRun:
    return ChargeRun(
        attempted=run.attempted + 1,
        succeeded=run.succeeded + (payment.status == PaymentStatus.SUCCEEDED),
        failed=run.failed + (payment.status == PaymentStatus.FAILED),
        pending=run.pending + (payment.status == PaymentStatus.PENDING),
    )


def charge_due_invoices(*, today: datetime.date) -> ChargeRun:
    """The daily charge: each due invoice once on the account's default method."""
    run = ChargeRun()
    ids = list(_due_for_charging(today).values_list("pk", flat=True))
    for invoice in Invoice.objects.filter(pk__in=ids).select_related("series").iterator(500):
        method = _default_method(invoice)
        if method is None or method.expires_before(today):
            continue
        try:
            payment = open_attempt(invoice=invoice, method=method, actor=CHARGING, on=today)
        except BillingError:
            continue  # paid or closed meanwhile
        run = _tally(run, send_attempt(payment=payment))
    return run


def resume_pending_payments(*, older_than: datetime.timedelta) -> ChargeRun:
    """Send again, with their own keys, the attempts whose outcome is still unknown (those the
    gateway accepted for later settlement, a reference given, wait for their webhook)."""
    cutoff = timezone.now() - older_than
    run = ChargeRun()
    pending = Payment.objects.filter(
        kind=PaymentKind.CHARGE, status=PaymentStatus.PENDING, created_at__lte=cutoff, reference=""
    ).select_related("invoice__series", "method__customer")
    for payment in pending.iterator(200):
        run = _tally(run, send_attempt(payment=payment))
    return run
