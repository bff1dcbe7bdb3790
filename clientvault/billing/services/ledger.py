"""What invoices and payments share: row locks, status moves, money reaching an invoice, and
spending account credit.

Lock order, everywhere: the invoice, then a number series, then the billing account. Every
function here expects the caller's transaction and the rows it is given locked.
"""

from __future__ import annotations

import uuid

from django.db.models import F
from django.utils import timezone

from clientvault.accounts.models import User
from clientvault.billing.errors import BillingError
from clientvault.billing.hooks import invoice_paid, restore_services
from clientvault.billing.models import (
    OPEN_STATUSES,
    BillingAccount,
    CreditEntry,
    CreditReason,
    DunningStep,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentKind,
    PaymentStatus,
)
from clientvault.privacy.actors import Actor

SUSPEND_STEP = "suspend"  # the dunning step that suspends services (services.dunning)


def staff_user(actor: Actor | None) -> User | None:
    """The login to record as having done it (``recorded_by``, ``created_by``), if a user."""
    return actor if isinstance(actor, User) else None


def lock_invoice(invoice: Invoice | int) -> Invoice:
    """The invoice (or the invoice of that id) as it is now, its row locked until the
    transaction ends."""
    pk = invoice.pk if isinstance(invoice, Invoice) else invoice
    return Invoice.objects.select_for_update().get(pk=pk)


def lock_account(customer_id: uuid.UUID) -> BillingAccount:
    return BillingAccount.objects.select_for_update().get(customer_id=customer_id)


def status_label(status: str) -> str:
    return InvoiceStatus(status).label.lower()


def move(invoice: Invoice, status: str, *, doing: str) -> None:
    """Move the invoice to ``status`` if ``INVOICE_TRANSITIONS`` allows it, else refuse,
    saying what was refused and from which status (``doing``: "cancelled", "issued"...)."""
    if not invoice.may_become(status):
        raise BillingError(
            f"An invoice that is {status_label(invoice.status)} cannot be {doing}.",
            code="conflict",
        )
    invoice.status = status
    now = timezone.now()
    if status == InvoiceStatus.PAID:
        invoice.paid_at = invoice.paid_at or now
    if status in (InvoiceStatus.PAID, InvoiceStatus.CANCELLED, InvoiceStatus.REFUNDED):
        invoice.closed_at = now


def close_if_settled(invoice: Invoice) -> bool:
    """Mark an open invoice paid once nothing is due; True if it was.

    Paying an invoice for which dunning suspended the account's services restores them, unless
    another suspended invoice of the account is still open (the hooks are idempotent).
    """
    if invoice.is_open and invoice.balance_due <= 0:
        move(invoice, InvoiceStatus.PAID, doing="marked paid")
        _restore_if_suspended(invoice)
        invoice_paid(invoice_id=invoice.pk, actor=None)
        return True
    return False


def _restore_if_suspended(invoice: Invoice) -> None:
    suspended = DunningStep.objects.filter(step=SUSPEND_STEP, invoice__customer=invoice.customer_id)
    if not suspended.filter(invoice=invoice).exists():
        return
    still = suspended.exclude(invoice=invoice).filter(invoice__status__in=OPEN_STATUSES)
    if not still.exists():
        restore_services(customer_id=invoice.customer_id, invoice_id=invoice.pk, actor=None)


INVOICE_MONEY_FIELDS = ["amount_paid", "amount_credited", "status", "paid_at", "closed_at"]


def spend_credit(
    *, invoice: Invoice, account: BillingAccount, limit: int | None, actor: Actor | None
) -> int:
    """Pay what it can of an open invoice from the account's credit; the amount taken.

    Takes min(credit, balance due, ``limit``) and writes a ``Payment(kind=credit)`` and a
    ``CreditEntry`` spending it. Both rows must be locked by the caller (invoice first); the
    database's ``credit >= 0`` constraint stands behind the arithmetic.
    """
    if not invoice.is_open or invoice.currency != account.currency:
        return 0
    take = min(account.credit, invoice.balance_due, invoice.balance_due if limit is None else limit)
    if take <= 0:
        return 0
    now = timezone.now()
    BillingAccount.objects.filter(pk=account.pk).update(credit=F("credit") - take)
    account.credit -= take
    Payment.objects.create(
        invoice=invoice,
        customer_id=invoice.customer_id,
        kind=PaymentKind.CREDIT,
        status=PaymentStatus.SUCCEEDED,
        amount=take,
        currency=invoice.currency,
        recorded_by=staff_user(actor),
        settled_at=now,
    )
    CreditEntry.objects.create(
        customer_id=invoice.customer_id,
        amount=-take,
        balance_after=account.credit,
        reason=CreditReason.APPLIED,
        invoice=invoice,
    )
    invoice.amount_paid += take
    close_if_settled(invoice)
    invoice.save(update_fields=INVOICE_MONEY_FIELDS)
    return take


def add_to_credit(
    *, account: BillingAccount, amount: int, reason: str, note: str = "", invoice: Invoice | None
) -> CreditEntry:
    """Add ``amount`` to the (locked) account's credit, with its ledger entry."""
    BillingAccount.objects.filter(pk=account.pk).update(credit=F("credit") + amount)
    account.credit += amount
    return CreditEntry.objects.create(
        customer_id=account.customer_id,
        amount=amount,
        balance_after=account.credit,
        reason=reason,
        invoice=invoice,
        note=note,
    )
