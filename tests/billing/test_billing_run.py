"""The billing run's invoicing step (billing.services.invoices.invoice_subscriptions)."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clientvault.accounts.models import ClientLogEntry, ClientLogEvent
from clientvault.billing.models import (
    BillingAccount,
    Cycle,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Subscription,
    SubscriptionStatus,
)
from clientvault.billing.services.invoices import invoice_subscriptions
from clientvault.billing.services.payments import add_credit
from clientvault.privacy.models import AuditEvent
from tests.billing.support import SYSTEM, price, quick_customer, sent, subscribe

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

DAY = datetime.date(2026, 3, 1)
NUMBERS = itertools.count()


def test_it_issues_one_invoice_per_account_with_a_line_per_subscription_due(customer, outsider):
    web, mail = price(1000, code="web"), price(300, code="mail")
    yearly = price(10000, code="vps", cycle=Cycle.ANNUALLY)
    subscribe(customer, DAY, of=web)
    subscribe(customer, DAY - datetime.timedelta(days=3), of=mail, quantity=2)
    subscribe(outsider, DAY, of=yearly)
    later = subscribe(outsider, DAY + datetime.timedelta(days=1), of=web)
    Subscription.objects.create(
        customer=outsider.customer, price=web, next_invoice_on=DAY, status=SubscriptionStatus.ENDED
    )

    assert invoice_subscriptions(today=DAY, actor=SYSTEM) == 2

    assert sorted(Invoice.objects.values_list("number", flat=True)) == [1, 2]
    ada = Invoice.objects.get(customer=customer.customer)
    assert (ada.status, ada.subtotal) == (InvoiceStatus.UNPAID, 1600)
    assert ada.issued_name == "Ada Lovelace"
    assert (ada.period_start, ada.period_end) == (datetime.date(2026, 2, 26), DAY.replace(day=31))
    descriptions = sorted(ada.lines.values_list("description", flat=True))
    assert descriptions == [
        "Hosting mail (monthly, 26 Feb 2026 to 25 Mar 2026)",
        "Hosting web (monthly, 01 Mar 2026 to 31 Mar 2026)",
    ]
    otto = Invoice.objects.get(customer=outsider.customer)
    assert (otto.subtotal, otto.tax) == (10000, 1900)  # German VAT via OSS
    assert otto.lines.get().description.startswith("Hosting vps (yearly, 01 Mar 2026")
    moved = dict(Subscription.objects.values_list("price__plan__code", "next_invoice_on"))
    assert moved["vps"] == datetime.date(2027, 3, 1)
    assert Subscription.objects.get(pk=later.pk).next_invoice_on == DAY + datetime.timedelta(1)
    assert len(sent("billing.invoice_issued")) == 2
    assert ClientLogEntry.objects.filter(event=ClientLogEvent.INVOICE_ISSUED).count() == 2
    assert ClientLogEntry.objects.filter(actor_label="system").count() >= 2
    assert AuditEvent.objects.filter(action="invoice.issued").count() == 2


def test_a_second_run_the_same_day_bills_nothing_twice(customer):
    subscribe(customer, DAY, of=price())
    assert invoice_subscriptions(today=DAY, actor=SYSTEM) == 1
    assert invoice_subscriptions(today=DAY, actor=SYSTEM) == 0
    assert Invoice.objects.count() == 1
    assert len(sent("billing.invoice_issued")) == 1
    next_month = datetime.date(2026, 4, 1)
    assert invoice_subscriptions(today=next_month, actor=SYSTEM) == 1
    assert list(Invoice.objects.order_by("number").values_list("number", flat=True)) == [1, 2]


def test_a_run_after_missed_days_bills_each_overdue_period_once_per_run(customer):
    subscribe(customer, DAY, of=price())
    assert invoice_subscriptions(today=DAY + datetime.timedelta(days=40), actor=SYSTEM) == 1
    assert Subscription.objects.get().next_invoice_on == datetime.date(2026, 4, 1)


def test_account_credit_is_spent_on_the_runs_invoices(customer, billing_staff):
    subscribe(customer, DAY, of=price(1000))
    add_credit(customer=customer.customer, amount=2500, note="prepaid", actor=billing_staff)
    invoice_subscriptions(today=DAY, actor=SYSTEM)
    invoice = Invoice.objects.get()
    assert (invoice.status, invoice.amount_paid) == (InvoiceStatus.PAID, 1000)
    assert BillingAccount.objects.get().credit == 1500


def test_a_subscription_in_another_currency_than_the_account_is_left_and_recorded(customer):
    usd = price(1000, code="usd")
    usd.currency = "USD"
    usd.save()
    subscribe(customer, DAY, of=usd)
    assert invoice_subscriptions(today=DAY, actor=SYSTEM) == 0
    assert Subscription.objects.get().next_invoice_on == DAY
    skipped = AuditEvent.objects.get(action="billing_run.skipped")
    assert skipped.details["reason"] == "currency"


def _run_queries(count: int, subscriptions_each: int) -> int:
    plans = [price(100 * (n + 1), code=f"p{n}") for n in range(subscriptions_each)]
    for _ in range(count):
        person = quick_customer(next(NUMBERS))
        for plan in plans:
            subscribe(person, DAY, of=plan)
    with CaptureQueriesContext(connection) as queries:
        assert invoice_subscriptions(today=DAY, actor=SYSTEM) == count
    billed = InvoiceLine.objects.filter(invoice__customer__people__given_name_index__isnull=False)
    assert billed.count() >= count * subscriptions_each
    return len(queries.captured_queries)


@pytest.fixture
def warm(db):
    """A first run makes the number series; the runs measured after it find it."""
    _run_queries(1, 1)


def test_queries_grow_with_invoices_not_with_lines(warm):
    one_line = _run_queries(6, 1)
    four_lines = _run_queries(6, 4)
    assert four_lines == one_line


def test_queries_per_invoice_stay_few(warm):
    few = _run_queries(4, 2)
    many = _run_queries(16, 3)
    per_invoice = (many - few) / 12
    print(f"billing run: {per_invoice:.1f} queries per invoice")
    assert per_invoice <= 12
