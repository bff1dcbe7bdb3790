"""The daily billing run: invoice, mark overdue, charge, dun, announce; twice adds nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clientvault.billing.jobs import billing_daily, run_billing
from clientvault.billing.models import Invoice, InvoiceStatus
from clientvault.privacy.tasks import PERIODIC_JOBS
from tests.billing.charging_support import gateway_charges, real_card
from tests.billing.support import price, subscribe

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_the_run_is_registered_daily_and_the_resume_hourly():
    every = {job.name: job.every for job in PERIODIC_JOBS}
    assert every["billing_daily"] == "daily"
    assert every["resume_payments"] == "hourly"


def test_a_due_subscription_is_invoiced_then_charged_on_its_due_date(customer, gateway_server):
    real_card(customer, gateway_server)
    today = timezone.localdate()
    subscribe(customer, today, of=price(1200))
    first = run_billing(today=today)
    assert first["invoiced"] == 1
    assert first["charged"] == 0
    assert run_billing(today=today)["invoiced"] == 0
    invoice = Invoice.objects.get()
    assert invoice.due_on is not None
    on_due = run_billing(today=invoice.due_on)
    invoice.refresh_from_db()
    assert on_due["charged"] == 1
    assert invoice.status == InvoiceStatus.PAID
    assert len(gateway_charges(gateway_server)) == 1


def test_an_unpaid_invoice_without_a_method_goes_overdue_and_is_reminded(customer):
    today = timezone.localdate()
    subscribe(customer, today, of=price(900))
    run_billing(today=today)
    invoice = Invoice.objects.get()
    assert invoice.due_on is not None
    later = run_billing(today=invoice.due_on + datetime.timedelta(days=3))
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OVERDUE
    assert (later["overdue"], later["reminders"], later["charged"]) == (1, 1, 0)


def test_the_job_reports_its_period(customer):
    result = billing_daily.call(period="2026-12-05")
    assert result["period"] == "2026-12-05"
    assert result["invoiced"] == 0
