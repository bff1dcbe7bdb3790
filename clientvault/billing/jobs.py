"""Billing's background jobs: the daily billing run and the hourly resume of pending charges.

Each step is idempotent on its own (subscriptions move on as they are invoiced, one automatic
charge per invoice a day, dunning steps and expiry notices recorded once), so a run killed at
any point and run again finishes the work without doing any of it twice.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django_tasks import task

from clientvault.billing.services.charging import charge_due_invoices, resume_pending_payments
from clientvault.billing.services.dunning import run_dunning
from clientvault.billing.services.expiry import notify_expiring_methods
from clientvault.billing.services.invoices import invoice_subscriptions, mark_overdue
from clientvault.privacy.actors import SystemActor

BILLING_RUN = SystemActor("billing_run")
PENDING_AFTER = datetime.timedelta(minutes=10)


def run_billing(*, today: datetime.date) -> dict[str, int]:
    """Invoice due subscriptions, mark overdue invoices, charge, dun, announce expiring cards."""
    invoiced = invoice_subscriptions(today=today, actor=BILLING_RUN)
    overdue = mark_overdue(today=today)
    charged = charge_due_invoices(today=today)
    dunning = run_dunning(today=today)
    return {
        "invoiced": invoiced,
        "overdue": overdue,
        "charged": charged.succeeded,
        "declined": charged.failed,
        "pending": charged.pending,
        "reminders": dunning.reminders,
        "suspensions": dunning.suspensions,
        "expiry_notices": notify_expiring_methods(today=today),
    }


@task()
def billing_daily(period: str = "") -> dict[str, Any]:
    return {"period": period, **run_billing(today=timezone.localdate())}


@task()
def resume_payments(period: str = "") -> dict[str, Any]:
    run = resume_pending_payments(older_than=PENDING_AFTER)
    return {
        "period": period,
        "succeeded": run.succeeded,
        "failed": run.failed,
        "pending": run.pending,
    }
