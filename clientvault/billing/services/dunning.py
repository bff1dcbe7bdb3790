"""Dunning: reminders on the profile's days after an invoice's due date, then suspension.

Each step is a ``DunningStep`` row, unique per invoice and step and written in the transaction
that queues its notice or calls the suspension hooks, so a daily run killed and run again takes
no step twice. ``[billing] reminder_days`` (after the due date) name the reminders;
``suspend_after_days`` the suspension, through :mod:`clientvault.billing.hooks` (the hosting
app's services). Paying restores them (``services.payments`` calls ``restore_services``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from clientvault.accounts.models import ClientLogEvent
from clientvault.accounts.services.clientlog import log_client_event
from clientvault.billing import messages
from clientvault.billing.hooks import suspend_services
from clientvault.billing.models import OPEN_STATUSES, DunningStep, Invoice, format_amount
from clientvault.billing.services.accounts import billing_account_for, billing_contact
from clientvault.billing.services.ledger import SUSPEND_STEP
from clientvault.billing.services.notices import notify
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.audit import record_event

DUNNING = SystemActor("dunning")
SUSPEND = SUSPEND_STEP


@dataclass(frozen=True)
class DunningRun:
    reminders: int = 0
    suspensions: int = 0


def reminder_step(days: int) -> str:
    return f"reminder:{days}"


def _steps_due(invoice: Invoice, today: datetime.date) -> list[tuple[str, int]]:
    rules = current_profile().billing
    late = (today - invoice.due_on).days if invoice.due_on else -1
    steps = [(reminder_step(d), d) for d in rules.reminder_days if late >= d]
    if late >= rules.suspend_after_days:
        steps.append((SUSPEND, rules.suspend_after_days))
    return steps


def _take(invoice: Invoice, step: str) -> bool:
    """Record the step; False when it was taken before."""
    try:
        with transaction.atomic():
            DunningStep.objects.create(invoice=invoice, step=step)
    except IntegrityError:
        return False
    return True


def _facts(invoice: Invoice) -> dict[str, str]:
    return {
        "number": invoice.display_number,
        "balance": format_amount(invoice.balance_due, invoice.currency),
    }


def _remind(invoice: Invoice, step: str, days: int) -> None:
    notify(
        contact=billing_contact(billing_account_for(invoice.customer)),
        kind=messages.PAYMENT_REMINDER,
        context={**_facts(invoice), "days": str(days)},
        key=f"billing.dunning.{invoice.pk}.{step}",
    )
    log_client_event(
        customer=invoice.customer,
        event=ClientLogEvent.PAYMENT_REMINDER,
        actor=DUNNING,
        detail=f"Invoice {invoice.display_number}, {days} days after its due date",
    )


def _suspend(invoice: Invoice) -> None:
    suspend_services(customer_id=invoice.customer_id, invoice_id=invoice.pk, actor=DUNNING)
    notify(
        contact=billing_contact(billing_account_for(invoice.customer)),
        kind=messages.SERVICES_SUSPENDED,
        context=_facts(invoice),
        key=f"billing.dunning.{invoice.pk}.{SUSPEND}",
    )
    log_client_event(
        customer=invoice.customer,
        event=ClientLogEvent.SERVICES_SUSPENDED,
        actor=DUNNING,
        detail=f"Invoice {invoice.display_number} unpaid",
    )


def run_dunning(*, today: datetime.date) -> DunningRun:
    run = DunningRun()
    late = Invoice.objects.filter(status__in=OPEN_STATUSES, due_on__lt=today)
    for invoice in late.select_related("series", "customer").iterator(500):
        for step, days in _steps_due(invoice, today):
            with transaction.atomic():
                if not _take(invoice, step):
                    continue
                if step == SUSPEND:
                    _suspend(invoice)
                    run = DunningRun(run.reminders, run.suspensions + 1)
                else:
                    _remind(invoice, step, days)
                    run = DunningRun(run.reminders + 1, run.suspensions)
                record_event(
                    action="billing.dunning",
                    actor=DUNNING,
                    obj=invoice,
                    details={"step": step},
                )
    return run
