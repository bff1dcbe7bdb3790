"""Invoices: drafts, issuing (number, issued-to snapshot, tax, totals), cancelling, overdue, and
the monthly billing run's invoicing step.

Issuing happens in one transaction: the invoice row and its number series are locked, the next
number is taken, the billing contact's name, organisation, address, country and VAT number are
copied into the invoice's ``issued_*`` columns (read from the vault as they are now; later
changes to the person never reach an issued invoice), tax is decided per line by
:mod:`clientvault.billing.tax`, account credit is spent on it, the "invoice issued" notice is
queued, and the client log and the audit log are written. Any refusal rolls all of it back.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from clientvault.accounts.models import (
    ClientLogEntry,
    ClientLogEvent,
    Customer,
    CustomerKind,
    Organisation,
    Person,
    PersonRole,
)
from clientvault.accounts.services.clientlog import actor_label, log_client_event, on_record
from clientvault.billing import messages
from clientvault.billing.errors import BillingError
from clientvault.billing.hooks import invoice_cancelled, invoice_paid
from clientvault.billing.models import (
    BillingAccount,
    Cycle,
    Invoice,
    InvoiceLine,
    InvoiceSeries,
    InvoiceStatus,
    Price,
    Subscription,
    SubscriptionStatus,
    format_amount,
    percent_of,
)
from clientvault.billing.services.accounts import (
    billing_account_for,
    billing_contact,
    channel_for,
    first_vat_number,
)
from clientvault.billing.services.ledger import (
    lock_account,
    lock_invoice,
    move,
    spend_credit,
    status_label,
)
from clientvault.billing.services.notices import notify
from clientvault.billing.services.numbering import INVOICES, series_for, take_numbers
from clientvault.billing.tax import TaxDecision, tax_for
from clientvault.privacy.actors import Actor
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.audit import record_event

MAX_QUANTITY = 1_000_000
MAX_UNIT_AMOUNT = 100_000_000_000  # a thousand million in major units
MAX_DESCRIPTION = 200
RUN_BATCH = 200  # customers invoiced per transaction by the billing run


@dataclass(frozen=True)
class LineInput:
    description: str
    quantity: int
    unit_amount: int  # minor units (cents), before tax


# -- validation ---------------------------------------------------------------------------------


def _whole(value: object) -> int | None:
    """``value`` as a whole number, or None if it is not one (1.5, "2.5", True, "x")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or number != number.to_integral_value():
        return None
    return int(number)


def _line_error(index: int, field: str, message: str) -> BillingError:
    return BillingError(f"Line {index + 1}: {message}", field=f"lines-{index}-{field}")


def clean_lines(lines: Sequence[LineInput]) -> list[LineInput]:
    """The lines as stored, or the first problem, naming the line and the field."""
    if not lines:
        raise BillingError("An invoice needs at least one line.", field="lines")
    cleaned = []
    for index, line in enumerate(lines):
        description = " ".join(str(line.description or "").split())
        if not description:
            raise _line_error(index, "description", "the description is required.")
        if len(description) > MAX_DESCRIPTION:
            raise _line_error(
                index, "description", f"the description is longer than {MAX_DESCRIPTION} letters."
            )
        quantity = _whole(line.quantity)
        if quantity is None:
            raise _line_error(
                index, "quantity", f"the quantity must be a whole number (got {line.quantity})."
            )
        if quantity < 1:
            raise _line_error(
                index, "quantity", f"the quantity must be at least 1 (got {quantity})."
            )
        if quantity > MAX_QUANTITY:
            raise _line_error(index, "quantity", f"the quantity must be at most {MAX_QUANTITY:,}.")
        unit = _whole(line.unit_amount)
        if unit is None:
            raise _line_error(
                index,
                "unit_amount",
                f"the unit price must be a whole number of cents (got {line.unit_amount}).",
            )
        if unit < 0:
            raise _line_error(
                index,
                "unit_amount",
                "the unit price cannot be negative: give money back with a credit note.",
            )
        if unit > MAX_UNIT_AMOUNT:
            raise _line_error(index, "unit_amount", "the unit price is too large.")
        cleaned.append(LineInput(description, quantity, unit))
    return cleaned


# -- drafts -------------------------------------------------------------------------------------


def create_invoice(
    *,
    customer: Customer,
    lines: Sequence[LineInput],
    actor: Actor,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
) -> Invoice:
    """A draft invoice in the account's currency; nothing is numbered or sent until issued."""
    cleaned = clean_lines(lines)
    if period_start and period_end and period_end < period_start:
        raise BillingError("The period cannot end before it starts.", field="period_end")
    account = billing_account_for(customer)
    with transaction.atomic():
        subtotal = sum(line.quantity * line.unit_amount for line in cleaned)
        invoice = Invoice.objects.create(
            customer=customer,
            series=series_for(INVOICES),
            currency=account.currency,
            subtotal=subtotal,
            total=subtotal,
            period_start=period_start,
            period_end=period_end,
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=invoice,
                description=line.description,
                quantity=line.quantity,
                unit_amount=line.unit_amount,
                tax_rate=Decimal(0),
                amount=line.quantity * line.unit_amount,
            )
            for line in cleaned
        )
        record_event(
            action="invoice.created",
            actor=actor,
            purpose="billing",
            obj=invoice,
            details={"customer": customer.pk, "lines": len(cleaned), "currency": invoice.currency},
        )
    return invoice


# -- issuing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _IssuedTo:
    """The billing contact as the invoice will keep them."""

    contact: Person | None
    name: str
    organisation: str
    address: str
    country: str
    vat_number: str
    is_business: bool


def _address(person: Person) -> str:
    city = " ".join(
        part for part in (on_record(person.postal_code), on_record(person.city)) if part
    )
    parts = (on_record(person.address_line1), on_record(person.address_line2), city)
    return "\n".join(part for part in (*parts, on_record(person.region)) if part)


def _issued_to(
    account: BillingAccount, contact: Person | None, kind: str, organisation: str
) -> _IssuedTo:
    if contact is None:
        return _IssuedTo(None, "", organisation, "", "", account.vat_number, bool(organisation))
    name = " ".join(p for p in (on_record(contact.given_name), on_record(contact.family_name)) if p)
    return _IssuedTo(
        contact=contact,
        name=name,
        organisation=organisation,
        address=_address(contact),
        country=contact.country,
        vat_number=account.vat_number,
        is_business=kind == CustomerKind.ORGANISATION or bool(account.vat_number),
    )


def _organisation_name(customer_id: uuid.UUID) -> str:
    return _name_of(Organisation.objects.filter(customer_id=customer_id).first())


def _name_of(organisation: Organisation | None) -> str:
    return on_record(organisation.name) if organisation is not None else ""


def _decide(to: _IssuedTo) -> TaxDecision:
    return tax_for(
        seller_country=current_profile().billing.country,
        buyer_country=to.country,
        vat_number=to.vat_number,
        is_business=to.is_business,
    )


def _fill(
    invoice: Invoice,
    lines: Iterable[InvoiceLine],
    to: _IssuedTo,
    decision: TaxDecision,
    *,
    series: InvoiceSeries,
    number: int,
    due_on: datetime.date,
) -> None:
    """Number, snapshot, tax and totals of an invoice being issued (nothing saved)."""
    subtotal = tax = 0
    for line in lines:
        line.amount = line.quantity * line.unit_amount
        line.tax_rate = decision.rate
        subtotal += line.amount
        tax += percent_of(line.amount, decision.rate)
    invoice.series, invoice.number = series, number
    invoice.status = InvoiceStatus.UNPAID
    invoice.issued_at = timezone.now()
    invoice.due_on = due_on
    invoice.issued_name = to.name[:200]
    invoice.issued_organisation = to.organisation[:200]
    invoice.issued_address = to.address
    invoice.issued_country = to.country
    invoice.issued_vat_number = to.vat_number
    invoice.reverse_charge = decision.reverse_charge
    invoice.subtotal, invoice.tax, invoice.total = subtotal, tax, subtotal + tax


ISSUED_FIELDS = [
    "series",
    "number",
    "status",
    "issued_at",
    "due_on",
    "issued_name",
    "issued_organisation",
    "issued_address",
    "issued_country",
    "issued_vat_number",
    "reverse_charge",
    "subtotal",
    "tax",
    "total",
    "paid_at",
    "closed_at",
]


def _due_on(today: datetime.date, due_on: datetime.date | None) -> datetime.date:
    if due_on is None:
        return today + datetime.timedelta(days=current_profile().billing.payment_terms_days)
    if due_on < today:
        raise BillingError("The due date cannot be before the day of issue.", field="due_on")
    return due_on


def issue_invoice(
    *, invoice: Invoice, actor: Actor, due_on: datetime.date | None = None
) -> Invoice:
    """Issue a draft: number, snapshot, tax, totals, credit, notice, logs; one transaction."""
    today = timezone.localdate()
    due = _due_on(today, due_on)
    with transaction.atomic():
        invoice = lock_invoice(invoice)
        if invoice.status != InvoiceStatus.DRAFT:
            raise BillingError(
                f"Only a draft can be issued: this invoice is {status_label(invoice.status)}.",
                code="conflict",
            )
        lines = list(invoice.lines.all())
        if not lines:
            raise BillingError("An invoice needs at least one line.", field="lines")
        account = billing_account_for(invoice.customer)
        if account.currency != invoice.currency:
            raise BillingError(
                f"The invoice is in {invoice.currency} but the account is billed in "
                f"{account.currency}.",
                field="currency",
            )
        customer = invoice.customer
        to = _issued_to(
            account, billing_contact(account), customer.kind, _organisation_name(customer.pk)
        )
        decision = _decide(to)
        series, number = take_numbers(INVOICES)
        _fill(invoice, lines, to, decision, series=series, number=number, due_on=due)
        if invoice.total == 0:
            move(invoice, InvoiceStatus.PAID, doing="marked paid")
        invoice.save(update_fields=ISSUED_FIELDS)
        InvoiceLine.objects.bulk_update(lines, ["tax_rate", "amount"])
        credit = _spend_credit_on(invoice, account, actor)
        _announce(invoice, to.contact, actor=actor, credit=credit)
        log_client_event(
            customer=customer,
            event=ClientLogEvent.INVOICE_ISSUED,
            actor=actor,
            channel=channel_for(actor),
            detail=_log_detail(invoice),
        )
        if invoice.total == 0:  # nothing to pay: paid as issued (credit pays through the ledger)
            invoice_paid(invoice_id=invoice.pk, actor=actor)
    return invoice


def _spend_credit_on(invoice: Invoice, account: BillingAccount, actor: Actor | None) -> int:
    """Apply the account's credit to a just-issued invoice (locking the account only if it
    has credit to give)."""
    if account.credit <= 0 or not invoice.is_open:
        return 0
    locked = lock_account(invoice.customer_id)
    return spend_credit(invoice=invoice, account=locked, limit=None, actor=actor)


def _log_detail(invoice: Invoice) -> str:
    return f"{invoice.display_number}, {format_amount(invoice.total, invoice.currency)}"


def _announce(
    invoice: Invoice, contact: Person | None, *, actor: Actor | None, credit: int
) -> None:
    """The "invoice issued" notice and the audit event of an invoice just issued."""
    notify(
        contact=contact,
        kind=messages.INVOICE_ISSUED,
        context={
            "number": invoice.display_number,
            "total": format_amount(invoice.total, invoice.currency),
            "balance": format_amount(invoice.balance_due, invoice.currency),
            "due": f"{invoice.due_on:%d %B %Y}",
        },
        key=f"billing.invoice_issued.{invoice.pk}",
    )
    record_event(
        action="invoice.issued",
        actor=actor,
        subject_id=contact.subject_id if contact is not None else None,
        purpose="billing",
        obj=invoice,
        details={
            "customer": invoice.customer_id,
            "series": invoice.series.code,
            "number": invoice.number,
            "currency": invoice.currency,
            "total": invoice.total,
            "tax": invoice.tax,
            "reverse_charge": invoice.reverse_charge,
            "credit_applied": credit,
        },
    )


# -- cancelling and overdue ---------------------------------------------------------------------


def cancel_invoice(*, invoice: Invoice, reason: str, actor: Actor) -> Invoice:
    """Cancel a draft or an open invoice that has received no payment.

    A cancelled draft is given the next number like any invoice, so that every invoice that
    is not a draft has one and the series stays without gaps.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise BillingError("Say why the invoice is cancelled.", field="reason")
    if len(reason) > 150:
        raise BillingError("Keep the reason under 150 letters.", field="reason")
    with transaction.atomic():
        invoice = lock_invoice(invoice)
        was = invoice.status
        move(invoice, InvoiceStatus.CANCELLED, doing="cancelled")
        if invoice.amount_paid > 0:
            raise BillingError(
                "This invoice has payments on it: refund them or issue a credit note instead.",
                code="conflict",
            )
        if invoice.number is None:
            invoice.series, invoice.number = take_numbers(INVOICES)
        invoice.save(update_fields=["series", "number", "status", "closed_at"])
        if was != InvoiceStatus.DRAFT:
            log_client_event(
                customer=invoice.customer,
                event=ClientLogEvent.INVOICE_CANCELLED,
                actor=actor,
                channel=channel_for(actor),
                detail=f"{invoice.display_number}: {reason}",
            )
        record_event(
            action="invoice.cancelled",
            actor=actor,
            purpose="billing",
            obj=invoice,
            details={"customer": invoice.customer_id, "number": invoice.number, "from": was},
        )
        invoice_cancelled(invoice_id=invoice.pk, actor=actor)
    return invoice


def mark_overdue(*, today: datetime.date) -> int:
    """Mark unpaid invoices whose due date has passed as overdue (unpaid -> overdue is in
    ``INVOICE_TRANSITIONS``); how many were. One update, one audit event."""
    with transaction.atomic():
        count = Invoice.objects.filter(status=InvoiceStatus.UNPAID, due_on__lt=today).update(
            status=InvoiceStatus.OVERDUE
        )
        if count:
            record_event(
                action="invoice.overdue",
                actor=None,
                purpose="billing",
                details={"count": count, "today": today.isoformat()},
            )
    return count


# -- the billing run ----------------------------------------------------------------------------


def invoice_subscriptions(*, today: datetime.date, actor: Actor) -> int:
    """Invoice every active subscription due by ``today``: one issued invoice per account, a
    line per subscription due, each subscription moved on one cycle in the same transaction.

    Accounts are taken :data:`RUN_BATCH` at a time, each batch in one transaction with a
    constant number of queries for its reads and writes plus the few each invoice needs of its
    own (its notice and audit event). Subscriptions are locked and checked again inside the
    transaction, so two runs at once, or a run repeated on the same day, bill nothing twice.
    Returns the number of invoices issued.
    """
    due = Subscription.objects.filter(status=SubscriptionStatus.ACTIVE, next_invoice_on__lte=today)
    customer_ids = list(
        due.order_by("customer_id").values_list("customer_id", flat=True).distinct()
    )
    issued = 0
    for start in range(0, len(customer_ids), RUN_BATCH):
        issued += _invoice_batch(customer_ids[start : start + RUN_BATCH], today, actor)
    return issued


@dataclass
class _Draft:
    """An invoice being made by the billing run, before it is saved."""

    account: BillingAccount
    to: _IssuedTo
    decision: TaxDecision
    invoice: Invoice
    lines: list[InvoiceLine]
    subscriptions: list[Subscription]


def _invoice_batch(customer_ids: list[uuid.UUID], today: datetime.date, actor: Actor) -> int:
    with transaction.atomic():
        subscriptions = list(
            Subscription.objects.select_for_update()
            .filter(
                customer_id__in=customer_ids,
                status=SubscriptionStatus.ACTIVE,
                next_invoice_on__lte=today,
            )
            .order_by("customer_id", "next_invoice_on", "id")
        )
        if not subscriptions:
            return 0
        drafts = _drafts(subscriptions, today, actor)
        if not drafts:
            return 0
        series, first = take_numbers(INVOICES, len(drafts))
        due = _due_on(today, None)
        for offset, draft in enumerate(drafts):
            _fill(
                draft.invoice,
                draft.lines,
                draft.to,
                draft.decision,
                series=series,
                number=first + offset,
                due_on=due,
            )
            if draft.invoice.total == 0:
                move(draft.invoice, InvoiceStatus.PAID, doing="marked paid")
        Invoice.objects.bulk_create([d.invoice for d in drafts])
        for draft in drafts:
            for line in draft.lines:
                line.invoice = draft.invoice
        InvoiceLine.objects.bulk_create([line for d in drafts for line in d.lines])
        billed = [s for d in drafts for s in d.subscriptions]
        Subscription.objects.bulk_update(billed, ["next_invoice_on"])
        entries = []
        for draft in drafts:
            credit = _spend_credit_on(draft.invoice, draft.account, actor)
            _announce(draft.invoice, draft.to.contact, actor=actor, credit=credit)
            entries.append(_log_entry(draft, actor))
        ClientLogEntry.objects.bulk_create(entries)
    return len(drafts)


def _log_entry(draft: _Draft, actor: Actor) -> ClientLogEntry:
    customer = draft.account.customer
    return ClientLogEntry(
        customer=customer,
        event=ClientLogEvent.INVOICE_ISSUED,
        detail=_log_detail(draft.invoice)[:200],
        actor_label=actor_label(actor, customer),
        channel=channel_for(actor),
        at=timezone.now(),
    )


def _accounts(
    customer_ids: set[uuid.UUID], organisations: dict[uuid.UUID, Organisation]
) -> dict[uuid.UUID, BillingAccount]:
    """The batch's billing accounts with their customers; those not made yet are made in bulk,
    as :func:`~clientvault.billing.services.accounts.billing_account_for` makes one."""
    found = BillingAccount.objects.select_related("customer").filter(customer_id__in=customer_ids)
    accounts = {a.customer_id: a for a in found}
    missing = customer_ids - set(accounts)
    if missing:
        owners = {
            p.customer_id: p
            for p in Person.objects.filter(customer_id__in=missing, role=PersonRole.OWNER)
        }
        currency = current_profile().billing.currency
        BillingAccount.objects.bulk_create(
            [
                BillingAccount(
                    customer_id=customer_id,
                    currency=currency,
                    vat_number=first_vat_number(
                        organisations.get(customer_id), owners.get(customer_id)
                    ),
                )
                for customer_id in missing
            ],
            ignore_conflicts=True,
        )
        made = BillingAccount.objects.select_related("customer").filter(customer_id__in=missing)
        accounts |= {a.customer_id: a for a in made}
    return accounts


def _contacts(accounts: Iterable[BillingAccount]) -> dict[uuid.UUID, Person]:
    """Each account's billing contact (its chosen contact, else its owner): two queries."""
    accounts = list(accounts)
    chosen = {a.contact_id for a in accounts if a.contact_id is not None}
    people = Person.objects.filter(pk__in=chosen) | Person.objects.filter(
        customer_id__in=[a.customer_id for a in accounts], role=PersonRole.OWNER
    )
    by_pk = {p.pk: p for p in people}
    owners = {p.customer_id: p for p in by_pk.values() if p.role == PersonRole.OWNER}
    contacts = {}
    for account in accounts:
        contact = by_pk.get(account.contact_id) if account.contact_id else None
        if contact is None or contact.customer_id != account.customer_id:
            contact = owners.get(account.customer_id)
        if contact is not None:
            contacts[account.customer_id] = contact
    return contacts


def _drafts(subscriptions: list[Subscription], today: datetime.date, actor: Actor) -> list[_Draft]:
    """An unsaved invoice and its lines per account due; skipped accounts are audited."""
    by_customer: dict[uuid.UUID, list[Subscription]] = defaultdict(list)
    for subscription in subscriptions:
        by_customer[subscription.customer_id].append(subscription)
    prices = Price.objects.select_related("plan").in_bulk({s.price_id for s in subscriptions})
    organisations = {
        o.customer_id: o for o in Organisation.objects.filter(customer_id__in=list(by_customer))
    }
    accounts = _accounts(set(by_customer), organisations)
    contacts = _contacts(accounts.values())
    drafts, skipped = [], []
    series = series_for(INVOICES)
    for customer_id, subs in by_customer.items():
        account = accounts[customer_id]
        billable = [s for s in subs if prices[s.price_id].currency == account.currency]
        if len(billable) < len(subs):
            skipped.append((customer_id, "currency"))
        if not billable:
            continue
        to = _issued_to(
            account,
            contacts.get(customer_id),
            account.customer.kind,
            _name_of(organisations.get(customer_id)),
        )
        try:
            decision = _decide(to)
        except BillingError:
            skipped.append((customer_id, "vat_number"))
            continue
        lines, starts, ends = [], [], []
        for sub in billable:
            price = sub.price = prices[sub.price_id]  # period_after reads its cycle
            start, sub.next_invoice_on = sub.next_invoice_on, sub.period_after(sub.next_invoice_on)
            end = sub.next_invoice_on - datetime.timedelta(days=1)
            starts.append(start)
            ends.append(end)
            lines.append(
                InvoiceLine(
                    description=_line_description(sub, price, start, end),
                    quantity=sub.quantity,
                    unit_amount=price.amount,
                    tax_rate=decision.rate,
                    amount=sub.quantity * price.amount,
                    subscription=sub,
                )
            )
        invoice = Invoice(
            customer_id=customer_id,
            series=series,
            currency=account.currency,
            period_start=min(starts),
            period_end=max(ends),
        )
        drafts.append(_Draft(account, to, decision, invoice, lines, billable))
    for customer_id, why in skipped:
        record_event(
            action="billing_run.skipped",
            actor=actor,
            purpose="billing",
            details={"customer": customer_id, "reason": why, "day": today.isoformat()},
        )
    return drafts


def _line_description(
    subscription: Subscription, price: Price, start: datetime.date, end: datetime.date
) -> str:
    name = subscription.description or price.plan.name
    cycle = Cycle(price.cycle).label.lower()
    return f"{name} ({cycle}, {start:%d %b %Y} to {end:%d %b %Y})"[:MAX_DESCRIPTION]
