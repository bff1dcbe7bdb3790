"""Money moving: manual payments, settling charges, refunds, credit notes and account credit.

Each function is one transaction (a refund of a charge is three short ones around the gateway
call, see :func:`refund_payment`), locks the rows whose sums it changes (invoice, then number
series, then billing account), writes its audit event with ids and codes only, and its client-log
entry where the customer should see it. The database backs the arithmetic: an invoice is never
paid beyond its total, a payment never refunded beyond its amount, credit never below zero.

Choices made here:

- A manual payment larger than the balance due is refused, not split: staff record the balance
  and add the rest as account credit (:func:`add_credit`) if that is what was agreed. A charge
  that succeeds for more than is still due (the invoice was paid meanwhile by other means) is
  money already taken, so the excess becomes account credit (reason "overpayment").
- A credit note on an unpaid invoice reduces its balance; when nothing is left to pay, the
  invoice is closed as paid if anything was paid on it, else as cancelled (it was credited in
  full). On a paid invoice the credit note's amount becomes account credit.
- A payment made from account credit is not refunded: issue a credit note, which gives the
  credit back.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from clientvault.accounts.models import ClientLogEvent, Customer, Person
from clientvault.accounts.services.clientlog import log_client_event
from clientvault.billing import messages
from clientvault.billing.errors import BillingError
from clientvault.billing.gateways.base import GatewayError, GatewayRefused
from clientvault.billing.gateways.registry import current_gateway
from clientvault.billing.models import (
    CreditEntry,
    CreditNote,
    CreditReason,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentKind,
    PaymentStatus,
    Refund,
    format_amount,
)
from clientvault.billing.services.accounts import billing_account_for, billing_contact, channel_for
from clientvault.billing.services.ledger import (
    INVOICE_MONEY_FIELDS,
    add_to_credit,
    close_if_settled,
    lock_account,
    lock_invoice,
    move,
    spend_credit,
    staff_user,
    status_label,
)
from clientvault.billing.services.notices import notify
from clientvault.billing.services.numbering import CREDIT_NOTES, take_numbers
from clientvault.privacy.actors import Actor
from clientvault.privacy.services.audit import record_event

MAX_AMOUNT = 100_000_000_000
MAX_TEXT = 200


def _amount(value: object, *, field: str = "amount") -> int:
    """A positive whole number of minor units, or a refusal naming the field."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise BillingError("The amount must be a whole number of cents.", field=field)
    if value <= 0:
        raise BillingError("The amount must be more than zero.", field=field)
    if value > MAX_AMOUNT:
        raise BillingError("The amount is too large.", field=field)
    return value


def _text(value: str, *, field: str, what: str, required: bool = True) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise BillingError(f"The {what} is required.", field=field)
    if len(text) > MAX_TEXT:
        raise BillingError(f"The {what} is longer than {MAX_TEXT} letters.", field=field)
    return text


def _money(amount: int, invoice: Invoice) -> str:
    return format_amount(amount, invoice.currency)


def _contact_of(customer: Customer) -> Person | None:
    return billing_contact(billing_account_for(customer))


def _subject_of(customer: Customer) -> uuid.UUID | None:
    contact = _contact_of(customer)
    return contact.subject_id if contact is not None else None


def _log(customer: Customer, event: str, actor: Actor | None, detail: str) -> None:
    log_client_event(
        customer=customer, event=event, actor=actor, channel=channel_for(actor), detail=detail
    )


# -- payments -----------------------------------------------------------------------------------


def record_manual_payment(
    *, invoice: Invoice, amount: int, note: str, actor: Actor, currency: str | None = None
) -> Payment:
    """Record money received outside the gateway (bank transfer, cheque, cash) on an open
    invoice. Partial payments are allowed; more than the balance due is refused, and so is a
    ``currency`` other than the invoice's."""
    amount = _amount(amount)
    note = _text(note, field="note", what="reference", required=False)
    with transaction.atomic():
        invoice = lock_invoice(invoice)
        if currency is not None and currency != invoice.currency:
            raise BillingError(
                f"The invoice is in {invoice.currency}: record the payment in {invoice.currency}, "
                f"not {currency}.",
                field="currency",
            )
        if not invoice.is_open:
            raise BillingError(
                f"An invoice that is {status_label(invoice.status)} takes no payment.",
                code="conflict",
            )
        if amount > invoice.balance_due:
            raise BillingError(
                f"The amount ({_money(amount, invoice)}) is more than the balance due "
                f"({_money(invoice.balance_due, invoice)}): record the balance due, and add "
                "the rest as account credit.",
                field="amount",
            )
        payment = Payment.objects.create(
            invoice=invoice,
            customer_id=invoice.customer_id,
            kind=PaymentKind.MANUAL,
            status=PaymentStatus.SUCCEEDED,
            amount=amount,
            currency=invoice.currency,
            note=note,
            recorded_by=staff_user(actor),
            settled_at=timezone.now(),
        )
        invoice.amount_paid += amount
        close_if_settled(invoice)
        invoice.save(update_fields=INVOICE_MONEY_FIELDS)
        _received(invoice, payment, amount, actor)
    return payment


def _received(invoice: Invoice, payment: Payment, amount: int, actor: Actor | None) -> None:
    """The notice, client-log entry and audit event of a payment received."""
    contact = _contact_of(invoice.customer)
    notify(
        contact=contact,
        kind=messages.PAYMENT_RECEIVED,
        context={
            "number": invoice.display_number,
            "amount": _money(amount, invoice),
            "balance": _money(max(invoice.balance_due, 0), invoice),
        },
        key=f"billing.payment_received.{payment.pk}",
    )
    _log(
        invoice.customer,
        ClientLogEvent.PAYMENT_RECEIVED,
        actor,
        f"{_money(amount, invoice)} for {invoice.display_number}",
    )
    record_event(
        action="payment.received",
        actor=actor,
        subject_id=contact.subject_id if contact is not None else None,
        purpose="billing",
        obj=payment,
        details={
            "invoice": invoice.pk,
            "kind": payment.kind,
            "amount": amount,
            "currency": payment.currency,
            "invoice_status": invoice.status,
        },
    )


def settle_payment(
    *,
    payment: Payment,
    succeeded: bool,
    reference: str,
    failure_code: str = "",
    failure_message: str = "",
    actor: Actor,
) -> Payment:
    """Record the outcome of a charge: pending -> succeeded or failed, once.

    Settling again with the same outcome changes nothing (a retried job, a replayed webhook);
    the opposite outcome of a settled payment is refused. On success the amount reaches the
    invoice under its row lock and it is marked paid when nothing is due; what exceeds the
    balance due (or all of it, on an invoice no longer open) becomes account credit.
    """
    target = PaymentStatus.SUCCEEDED if succeeded else PaymentStatus.FAILED
    with transaction.atomic():
        invoice = lock_invoice(payment.invoice_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status == target:
            return payment
        if payment.status != PaymentStatus.PENDING:
            raise BillingError(
                f"This payment has already {payment.status}; it cannot be marked {target} now.",
                code="conflict",
            )
        payment.status = target
        payment.reference = reference[:128]
        payment.settled_at = timezone.now()
        if not succeeded:
            payment.failure_code = failure_code[:64]
            payment.failure_message = failure_message[:200]
            payment.save()
            _failed(invoice, payment, actor)
            return payment
        payment.save()
        applied = min(payment.amount, max(invoice.balance_due, 0)) if invoice.is_open else 0
        invoice.amount_paid += applied
        close_if_settled(invoice)
        invoice.save(update_fields=INVOICE_MONEY_FIELDS)
        if payment.amount > applied:
            account = lock_account(invoice.customer_id)
            add_to_credit(
                account=account,
                amount=payment.amount - applied,
                reason=CreditReason.OVERPAYMENT,
                note=f"Payment {payment.pk} on {invoice.display_number}",
                invoice=invoice,
            )
        _received(invoice, payment, payment.amount, actor)
    return payment


def _failed(invoice: Invoice, payment: Payment, actor: Actor | None) -> None:
    contact = _contact_of(invoice.customer)
    reason = payment.failure_message or "the payment service declined it."
    notify(
        contact=contact,
        kind=messages.PAYMENT_FAILED,
        context={
            "number": invoice.display_number,
            "amount": _money(payment.amount, invoice),
            "reason": reason,
        },
        key=f"billing.payment_failed.{payment.pk}",
    )
    _log(
        invoice.customer,
        ClientLogEvent.PAYMENT_FAILED,
        actor,
        f"{_money(payment.amount, invoice)} for {invoice.display_number}",
    )
    record_event(
        action="payment.failed",
        actor=actor,
        subject_id=contact.subject_id if contact is not None else None,
        purpose="payment_processing",
        obj=payment,
        details={"invoice": invoice.pk, "code": payment.failure_code[:64] or "unknown"},
    )


# -- refunds ------------------------------------------------------------------------------------


def refund_payment(*, payment: Payment, amount: int, reason: str, actor: Actor) -> Refund:
    """Give back ``amount`` of a succeeded payment, never more than is left to refund.

    A manual payment's refund is a record (the money goes back by the same means, outside).
    A charge is refunded at the gateway in three steps: (1) under the payment's row lock the
    amount is reserved (``amount_refunded``, which the database caps at the payment's amount)
    and a ``Refund`` with a new idempotency key is committed; (2) the gateway is asked, with
    that key; (3) the answer is recorded: done (the invoice's paid amount goes down, and it
    becomes refunded once all that was paid is), or refused (the reservation is undone). If the
    gateway cannot be reached the refund stays pending; calling this again for the same payment
    sends the same key, so the gateway refunds once however often it is retried.
    """
    amount = _amount(amount)
    reason = _text(reason, field="reason", what="reason")
    if payment.kind == PaymentKind.CREDIT:
        raise BillingError(
            "A payment from account credit is not refunded: issue a credit note instead.",
            code="conflict",
        )
    if payment.kind == PaymentKind.MANUAL:
        with transaction.atomic():
            invoice = lock_invoice(payment.invoice_id)
            refund = _reserve(payment, amount, reason, actor)
            _refunded(invoice, refund, actor)
        return refund
    with transaction.atomic():
        refund = _pending_refund(payment, amount) or _reserve(payment, amount, reason, actor)
    charge = Payment.objects.get(pk=payment.pk)
    try:
        result = current_gateway().refund(
            charge_ref=charge.reference,
            amount=refund.amount,
            idempotency_key=refund.idempotency_key,
        )
    except GatewayError:
        raise BillingError(
            "The payment service did not answer. The refund is kept waiting: try again to "
            "finish it (it will not be paid twice).",
            code="pending",
        ) from None
    except GatewayRefused:
        _undo(refund)
        raise BillingError("The payment service refused the refund.", code="refused") from None
    if not result.succeeded:
        _undo(refund)
        raise BillingError(
            f"The payment service refused the refund: {result.failure_message or 'no reason'}",
            code="refused",
        )
    with transaction.atomic():
        invoice = lock_invoice(charge.invoice_id)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.reference:
            return refund  # finished by a concurrent retry
        refund.reference = result.reference[:128] or "refunded"
        refund.save(update_fields=["reference"])
        _refunded(invoice, refund, actor)
    return refund


def _pending_refund(payment: Payment, amount: int) -> Refund | None:
    """A charge's refund the gateway has not confirmed yet, to be retried with its own key."""
    Payment.objects.select_for_update().get(pk=payment.pk)
    pending = Refund.objects.filter(payment=payment, reference="").first()
    if pending is not None and pending.amount != amount:
        raise BillingError(
            f"A refund of {format_amount(pending.amount, payment.currency)} of this payment is "
            "still waiting for the payment service: finish it first by refunding that amount.",
            field="amount",
            code="conflict",
        )
    return pending


def _reserve(payment: Payment, amount: int, reason: str, actor: Actor | None) -> Refund:
    """Lock the payment, check and reserve ``amount`` of it, and write the Refund row."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status != PaymentStatus.SUCCEEDED:
        raise BillingError(
            f"Only a payment that succeeded can be refunded; this one is {payment.status}.",
            code="conflict",
        )
    if amount > payment.refundable:
        raise BillingError(
            f"The refund ({format_amount(amount, payment.currency)}) is more than is left to "
            f"refund of this payment ({format_amount(payment.refundable, payment.currency)}).",
            field="amount",
        )
    payment.amount_refunded += amount
    payment.save(update_fields=["amount_refunded"])
    return Refund.objects.create(
        payment=payment,
        amount=amount,
        reason=reason,
        idempotency_key=f"refund-{uuid.uuid4()}",
        reference="" if payment.kind == PaymentKind.CHARGE else "manual",
        created_by=staff_user(actor),
    )


def _undo(refund: Refund) -> None:
    """The gateway refused: give the reserved amount back to the payment, forget the refund."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
        if Refund.objects.filter(pk=refund.pk, reference="").delete()[0]:
            payment.amount_refunded -= refund.amount
            payment.save(update_fields=["amount_refunded"])


def _refunded(invoice: Invoice, refund: Refund, actor: Actor | None) -> None:
    """A refund done: the invoice's paid amount goes down; refunded when nothing paid is left."""
    invoice.amount_paid -= min(refund.amount, invoice.amount_paid)
    if invoice.status == InvoiceStatus.PAID and invoice.amount_paid == 0:
        move(invoice, InvoiceStatus.REFUNDED, doing="refunded")
    invoice.save(update_fields=INVOICE_MONEY_FIELDS)
    _log(
        invoice.customer,
        ClientLogEvent.REFUND_MADE,
        actor,
        f"{_money(refund.amount, invoice)} of a payment for {invoice.display_number}",
    )
    record_event(
        action="payment.refunded",
        actor=actor,
        subject_id=_subject_of(invoice.customer),
        purpose="billing",
        obj=refund,
        details={
            "payment": refund.payment_id,
            "invoice": invoice.pk,
            "amount": refund.amount,
            "invoice_status": invoice.status,
        },
    )


# -- credit notes and account credit ------------------------------------------------------------


def issue_credit_note(*, invoice: Invoice, amount: int, reason: str, actor: Actor) -> CreditNote:
    """A credit note against an issued invoice, numbered in its own gap-free series.

    On an open invoice it reduces the balance due (up to all of it); on a paid invoice it
    becomes account credit (up to what was not credited before).
    """
    amount = _amount(amount)
    reason = _text(reason, field="reason", what="reason")
    with transaction.atomic():
        invoice = lock_invoice(invoice)
        if invoice.status not in (InvoiceStatus.UNPAID, InvoiceStatus.OVERDUE, InvoiceStatus.PAID):
            raise BillingError(
                f"An invoice that is {status_label(invoice.status)} takes no credit note.",
                code="conflict",
            )
        to_credit = invoice.status == InvoiceStatus.PAID
        credited = CreditNote.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"] or 0
        room = invoice.total - credited if to_credit else invoice.balance_due
        if amount > room:
            raise BillingError(
                f"The credit note ({_money(amount, invoice)}) is more than can be credited on "
                f"this invoice ({_money(max(room, 0), invoice)}).",
                field="amount",
            )
        series, number = take_numbers(CREDIT_NOTES)
        note = CreditNote.objects.create(
            invoice=invoice,
            series=series,
            number=number,
            amount=amount,
            reason=reason,
            to_credit=to_credit,
            created_by=staff_user(actor),
        )
        if to_credit:
            account = lock_account(invoice.customer_id)
            add_to_credit(
                account=account,
                amount=amount,
                reason=CreditReason.CREDIT_NOTE,
                note=note.display_number,
                invoice=invoice,
            )
        else:
            invoice.amount_credited += amount
            if invoice.balance_due == 0:
                closed = InvoiceStatus.PAID if invoice.amount_paid else InvoiceStatus.CANCELLED
                move(invoice, closed, doing="closed by a credit note")
            invoice.save(update_fields=INVOICE_MONEY_FIELDS)
        _log(
            invoice.customer,
            ClientLogEvent.CREDIT_NOTE_ISSUED,
            actor,
            f"{note.display_number}, {_money(amount, invoice)} on {invoice.display_number}",
        )
        record_event(
            action="credit_note.issued",
            actor=actor,
            subject_id=_subject_of(invoice.customer),
            purpose="billing",
            obj=note,
            details={
                "invoice": invoice.pk,
                "number": number,
                "amount": amount,
                "to_credit": to_credit,
                "invoice_status": invoice.status,
            },
        )
    return note


def add_credit(*, customer: Customer, amount: int, note: str, actor: Actor) -> CreditEntry:
    """Add account credit (a goodwill gesture, money received without an invoice)."""
    amount = _amount(amount)
    note = _text(note, field="note", what="note")
    billing_account_for(customer)
    with transaction.atomic():
        account = lock_account(customer.pk)
        entry = add_to_credit(
            account=account, amount=amount, reason=CreditReason.STAFF, note=note, invoice=None
        )
        _log(customer, ClientLogEvent.CREDIT_ADDED, actor, format_amount(amount, account.currency))
        record_event(
            action="credit.added",
            actor=actor,
            subject_id=_subject_of(customer),
            purpose="billing",
            obj=entry,
            details={"customer": customer.pk, "amount": amount, "balance": account.credit},
        )
    return entry


def apply_credit(*, invoice: Invoice, actor: Actor, amount: int | None = None) -> int:
    """Pay an open invoice from account credit: min(credit, balance due, ``amount``); returns
    what was taken (0 when there is no credit or nothing due)."""
    limit = None if amount is None else _amount(amount)
    billing_account_for(invoice.customer)
    with transaction.atomic():
        invoice = lock_invoice(invoice)
        if not invoice.is_open:
            raise BillingError(
                f"An invoice that is {status_label(invoice.status)} takes no payment.",
                code="conflict",
            )
        account = lock_account(invoice.customer_id)
        if account.currency != invoice.currency:
            raise BillingError(
                f"The account's credit is in {account.currency} and the invoice in "
                f"{invoice.currency}.",
                field="currency",
            )
        taken = spend_credit(invoice=invoice, account=account, limit=limit, actor=actor)
        if taken:
            _log(
                invoice.customer,
                ClientLogEvent.CREDIT_APPLIED,
                actor,
                f"{_money(taken, invoice)} on {invoice.display_number}",
            )
            record_event(
                action="credit.applied",
                actor=actor,
                subject_id=_subject_of(invoice.customer),
                purpose="billing",
                obj=invoice,
                details={"amount": taken, "balance": account.credit, "status": invoice.status},
            )
    return taken
