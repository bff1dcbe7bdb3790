# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""Paying an open invoice now from the customer area, with one of the account's methods (the
default chosen), through pay_invoice_now against the real test gateway: paid, declined (said
on the page), or not known yet (said on the invoice, never charged twice)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.billing.models import InvoiceStatus, Payment, PaymentStatus
from tests.accounts.personas import (  # noqa: F401
    add_authorised_user,
    customer,
    customer_client,
    outsider,
    outsider_client,
    sign_in,
    teammate,
    teammate_client,
)
from tests.billing.charging_support import DECLINED, HANGING, gateway_charges, real_card
from tests.billing.rows import a_method
from tests.billing.support import issued

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(invoice) -> str:
    return reverse("billing:pay", args=[invoice.display_number])


def test_the_invoice_page_offers_pay_now(customer, customer_client):
    a_method(customer)
    invoice = issued(customer, 1000)

    page = customer_client.get(reverse("billing:invoice", args=[invoice.display_number]))

    assert url(invoice) in page.content.decode()


def test_the_default_method_is_chosen(customer, customer_client):
    a_method(customer, brand="mastercard", last4="5454", default=False)
    default = a_method(customer)

    page = customer_client.get(url(issued(customer, 1000))).content.decode()

    assert f'value="{default.pk}" required id="id_method_0" checked>' in page
    assert "Visa ending 4242, expires 12/2030 (default)" in page
    assert "Mastercard ending 5454, expires 12/2030" in page
    assert "Pay EUR 10.00" in page


def test_paying_charges_the_balance_and_says_thank_you(customer, customer_client, gateway_server):
    card = real_card(customer, gateway_server)
    invoice = issued(customer, 1000, 500)

    response = customer_client.post(url(invoice), {"method": card.pk}, follow=True)

    assert "Thank you: EUR 15.00 paid." in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert [c["amount"] for c in gateway_charges(gateway_server)] == [1500]


def test_a_declined_card_is_said_on_the_page(customer, customer_client, gateway_server):
    card = real_card(customer, gateway_server, DECLINED)
    invoice = issued(customer, 1000)

    response = customer_client.post(url(invoice), {"method": card.pk})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Your card was declined. Please use another payment method." in page
    assert 'class="form-errors" role="alert"' in page
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.UNPAID


def test_an_unanswered_charge_is_said_on_the_invoice_and_not_sent_twice(
    customer, customer_client, gateway_server, settings
):
    settings.PAYMENT_GATEWAY_TIMEOUT = 0.5
    card = real_card(customer, gateway_server, HANGING)
    invoice = issued(customer, 1000)

    response = customer_client.post(url(invoice), {"method": card.pk}, follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse(
        "billing:invoice", args=[invoice.display_number]
    )
    assert "did not answer in time" in page
    assert "A payment is being processed." in page
    assert url(invoice) not in page  # no "Pay now" while the attempt is pending
    assert Payment.objects.get(invoice=invoice).status == PaymentStatus.PENDING


def test_another_accounts_method_is_refused(customer, outsider, customer_client):
    theirs = a_method(outsider)
    a_method(customer)
    invoice = issued(customer, 1000)

    page = customer_client.post(url(invoice), {"method": theirs.pk}).content.decode()

    assert "Pay with: that payment method is no longer on the account; choose another." in page
    assert not Payment.objects.exists()


def test_without_a_method_it_leads_to_adding_one(customer, customer_client):
    invoice = issued(customer, 1000)

    invoice_page = customer_client.get(reverse("billing:invoice", args=[invoice.display_number]))
    pay_page = customer_client.get(url(invoice)).content.decode()

    assert "Add a payment method to pay it" in invoice_page.content.decode()
    assert "Your account has no payment method yet." in pay_page
    assert reverse("billing:methods") in pay_page


def test_a_paid_invoice_has_nothing_to_pay(customer, customer_client):
    invoice = issued(customer, 1000)
    type(invoice).objects.filter(pk=invoice.pk).update(status=InvoiceStatus.PAID, amount_paid=1000)

    response = customer_client.get(url(invoice), follow=True)

    assert f"Invoice {invoice.display_number} has nothing left to pay." in response.content.decode()


def test_a_teammate_with_billing_may_pay(customer, teammate_client):
    a_method(customer)

    assert teammate_client.get(url(issued(customer, 1000))).status_code == 200


def test_a_teammate_without_billing_gets_403(customer):
    a_method(customer)
    invoice = issued(customer, 1000)
    lacking = add_authorised_user(customer, username="linus", email="linus@example.com")

    client = sign_in(Client(), lacking.user)

    assert client.get(url(invoice)).status_code == 403
    assert client.post(url(invoice), {"method": 1}).status_code == 403


def test_an_outsider_gets_404(customer, outsider, outsider_client):
    a_method(outsider)
    invoice = issued(customer, 1000)

    assert outsider_client.get(url(invoice)).status_code == 404
    assert outsider_client.post(url(invoice), {"method": 1}).status_code == 404
