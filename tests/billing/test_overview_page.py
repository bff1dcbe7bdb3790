# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The billing overview: balance due, the next invoice, the default method and credit."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.billing.models import Cycle, InvoiceStatus, Plan, Price, Subscription
from tests.accounts.personas import (  # noqa: F401
    add_authorised_user,
    customer,
    customer_client,
    outsider,
    outsider_client,
    sign_in,
)
from tests.billing.rows import TOKEN, a_method, an_invoice, some_credit

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

OVERVIEW = reverse("billing:overview")


def test_it_sums_what_open_invoices_still_ask_for(customer, customer_client):
    first = an_invoice(customer)
    an_invoice(customer, status=InvoiceStatus.OVERDUE, paid=200)
    an_invoice(customer, status=InvoiceStatus.PAID, paid=1200)

    page = customer_client.get(OVERVIEW).content.decode()

    assert "<strong>EUR 22.00</strong>" in page  # 12.00 + (12.00 - 2.00)
    assert "On 2 open invoices." in page
    assert first.display_number in page


def test_it_shows_the_next_invoice_the_default_method_and_credit(customer, customer_client):
    plan = Plan.objects.create(code="shared", name="Shared hosting")
    price = Price.objects.create(plan=plan, cycle=Cycle.MONTHLY, currency="EUR", amount=1000)
    Subscription.objects.create(
        customer=customer.customer, price=price, next_invoice_on=datetime.date(2031, 3, 1)
    )
    a_method(customer, brand="mastercard", last4="5454", default=False)
    a_method(customer)
    some_credit(customer, 750)

    page = customer_client.get(OVERVIEW).content.decode()

    assert "1 March 2031" in page
    assert "Visa ending 4242" in page
    assert "Expires 12/2030" in page
    assert "EUR 7.50" in page
    assert "Every invoice is paid." in page
    assert TOKEN not in page


def test_a_new_account_has_nothing_to_show(customer_client):
    page = customer_client.get(OVERVIEW).content.decode()

    for empty in ("Every invoice is paid.", "No subscription to invoice.", "No payment method"):
        assert empty in page


def test_an_outsider_sees_none_of_another_accounts_billing(customer, outsider_client):
    an_invoice(customer)
    a_method(customer)

    page = outsider_client.get(OVERVIEW).content.decode()

    assert "Visa ending 4242" not in page
    assert "EUR 12.00" not in page


def test_a_teammate_without_billing_gets_403(customer):
    lacking = add_authorised_user(customer, username="linus", email="linus@example.com")

    assert sign_in(Client(), lacking.user).get(OVERVIEW).status_code == 403
