"""Dunning: reminders on the profile's days after the due date, then suspension, each once."""

from __future__ import annotations

import datetime

import pytest

from clientvault.accounts.models import ClientLogEntry, ClientLogEvent
from clientvault.billing.hooks import (
    SuspensionHooks,
    register_suspension_hooks,
    unregister_suspension_hooks,
)
from clientvault.billing.models import DunningStep
from clientvault.billing.services.dunning import run_dunning
from clientvault.billing.services.payments import record_manual_payment
from clientvault.messaging.models import Message
from tests.billing.charging_support import an_invoice

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


@pytest.fixture
def hosting():
    calls: list[tuple[str, object]] = []

    def suspend(*, customer_id, invoice_id, reason, actor):
        calls.append(("suspend", customer_id))
        return 1

    def restore(*, customer_id, invoice_id, reason, actor):
        calls.append(("restore", customer_id))
        return 1

    hooks = SuspensionHooks(suspend=suspend, restore=restore)
    register_suspension_hooks(hooks)
    yield calls
    unregister_suspension_hooks(hooks)


def late(invoice, days: int) -> datetime.date:
    assert invoice.due_on is not None
    return invoice.due_on + datetime.timedelta(days=days)


def test_nothing_happens_before_the_first_reminder_day(customer, hosting):
    invoice = an_invoice(customer)
    assert run_dunning(today=late(invoice, 2)).reminders == 0
    assert not DunningStep.objects.exists()


def test_each_reminder_goes_once_with_its_log_entry(customer, hosting):
    invoice = an_invoice(customer)
    first = run_dunning(today=late(invoice, 3))
    again = run_dunning(today=late(invoice, 3))
    assert (first.reminders, again.reminders) == (1, 0)
    assert Message.objects.filter(kind="billing.payment_reminder").count() == 1
    assert ClientLogEntry.objects.filter(event=ClientLogEvent.PAYMENT_REMINDER).count() == 1


def test_a_late_run_sends_the_reminders_it_missed_and_suspends_once(customer, hosting):
    invoice = an_invoice(customer)
    run = run_dunning(today=late(invoice, 25))
    assert (run.reminders, run.suspensions) == (3, 1)
    assert run_dunning(today=late(invoice, 26)).suspensions == 0
    assert hosting == [("suspend", customer.customer_id)]
    assert Message.objects.filter(kind="billing.services_suspended").count() == 1


def test_paying_the_suspending_invoice_restores_the_services(customer, hosting, staff):
    invoice = an_invoice(customer, 800)
    run_dunning(today=late(invoice, 21))
    record_manual_payment(
        invoice=invoice, amount=invoice.balance_due, note="bank", actor=staff("billing")
    )
    assert hosting == [("suspend", customer.customer_id), ("restore", customer.customer_id)]


def test_a_paid_invoice_is_not_dunned(customer, hosting, staff):
    invoice = an_invoice(customer)
    record_manual_payment(
        invoice=invoice, amount=invoice.balance_due, note="bank", actor=staff("billing")
    )
    assert run_dunning(today=late(invoice, 30)) == run_dunning(today=late(invoice, 31))
    assert not DunningStep.objects.exists()
    assert hosting == []
