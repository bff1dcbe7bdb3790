"""Races PostgreSQL can show: numbers taken by concurrent issuers, credit spent concurrently.

Each test runs many calls at once from a pool of threads, each thread on its own database
connection (the pool is smaller than the number of calls so that the server's connection limit,
shared with other test runs, is never reached; every call still races the others).
"""

from __future__ import annotations

import datetime
import queue
import threading
from collections.abc import Callable
from typing import TypeVar

import pytest
from django.db import connections
from django.db.models import Sum

from clientvault.billing.errors import BillingError
from clientvault.billing.models import (
    BillingAccount,
    CreditEntry,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentKind,
    Subscription,
)
from clientvault.billing.services.invoices import invoice_subscriptions, issue_invoice
from clientvault.billing.services.payments import add_credit, apply_credit
from tests.accounts import personas
from tests.accounts.parallel import needs_postgresql
from tests.billing.support import SYSTEM, draft, issued, price, quick_customer, subscribe

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "keys"])

T = TypeVar("T")
WORKERS = 16


def concurrently(count: int, work: Callable[[int], T], workers: int = WORKERS) -> list[T]:
    """``work(n)`` for n in range(count), from ``workers`` threads released at once, each
    taking the next n as soon as it is free; any exception fails the caller."""
    jobs: queue.Queue[int] = queue.Queue()
    for n in range(count):
        jobs.put(n)
    barrier = threading.Barrier(workers)
    results: dict[int, T] = {}
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            while True:
                try:
                    n = jobs.get_nowait()
                except queue.Empty:
                    return
                results[n] = work(n)
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors[:3]
    return [results[n] for n in range(count)]


def test_200_invoices_issued_at_once_get_200_distinct_numbers_without_gaps():
    needs_postgresql()
    owner = personas.open_test_account(username="ada", details=personas.OWNER_DETAILS)
    drafts = [draft(owner, 100 + n) for n in range(200)]

    numbers = concurrently(200, lambda n: issue_invoice(invoice=drafts[n], actor=SYSTEM).number)

    assert sorted(numbers) == list(range(1, 201))
    stored = Invoice.objects.filter(status=InvoiceStatus.UNPAID).values_list("number", flat=True)
    assert sorted(stored) == list(range(1, 201))


def test_50_concurrent_spends_of_one_credit_across_two_invoices_never_go_below_zero():
    needs_postgresql()
    owner = personas.open_test_account(username="ada", details=personas.OWNER_DETAILS)
    first, second = issued(owner, 1000), issued(owner, 1000)
    add_credit(customer=owner.customer, amount=1000, note="prepaid", actor=SYSTEM)

    def spend(n: int) -> int:
        invoice = first if n % 2 else second
        try:
            return apply_credit(invoice=invoice, actor=SYSTEM, amount=70 if n % 3 else None)
        except BillingError:  # the invoice got paid meanwhile
            return 0

    taken = concurrently(50, spend)

    account = BillingAccount.objects.get(customer=owner.customer)
    assert account.credit == 0  # 50 requests of 70 or more ask for far more than 1000
    assert sum(taken) == 1000 - account.credit
    ledger = CreditEntry.objects.filter(customer=owner.customer).aggregate(s=Sum("amount"))["s"]
    assert ledger == account.credit
    spent = Payment.objects.filter(kind=PaymentKind.CREDIT).aggregate(s=Sum("amount"))["s"]
    invoices = Invoice.objects.filter(pk__in=[first.pk, second.pk])
    assert spent == sum(taken) == sum(i.amount_paid for i in invoices)
    for invoice in invoices:
        assert 0 <= invoice.amount_paid <= invoice.total
    entries = CreditEntry.objects.order_by("id").values_list("amount", "balance_after")
    balance = 0
    for amount, after in entries:  # the running balance matches each entry's
        balance += amount
        assert after == balance >= 0


def test_two_billing_runs_at_once_bill_each_subscription_once():
    needs_postgresql()
    day = datetime.date(2026, 3, 1)
    plan = price(1000)
    for n in range(30):
        subscribe(quick_customer(n), day, of=plan)

    issued_by_run = concurrently(
        2, lambda n: invoice_subscriptions(today=day, actor=SYSTEM), workers=2
    )

    assert sum(issued_by_run) == 30
    assert Invoice.objects.count() == 30
    assert sorted(Invoice.objects.values_list("number", flat=True)) == list(range(1, 31))
    assert set(Subscription.objects.values_list("next_invoice_on", flat=True)) == {
        datetime.date(2026, 4, 1)
    }
