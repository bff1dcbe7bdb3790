# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""Recording a payment received outside the gateway, from the back office: the amount as money,
a reference; the service's refusals on the form; only for the billing purpose."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.billing.models import InvoiceStatus, Payment, PaymentKind
from tests.accounts.personas import customer, customer_client, staff, staff_client  # noqa: F401
from tests.billing.support import issued

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(invoice) -> str:
    return reverse("billing:staff_payment", args=[invoice.pk])


@pytest.fixture
def billing(staff_client):
    return staff_client(StaffRole.BILLING)


def test_it_records_a_partial_then_the_final_payment(customer, billing, staff):
    invoice = issued(customer, 1000, 500)

    first = billing.post(
        url(invoice), {"amount": "10.00", "note": "Transfer ref 4411"}, follow=True
    )
    billing.post(url(invoice), {"amount": "5", "note": "Transfer ref 4412"})

    assert f"Recorded a payment of EUR 10.00 on {invoice.display_number}." in first.content.decode()
    payments = Payment.objects.filter(invoice=invoice).order_by("id")
    assert [(p.kind, p.amount, p.note) for p in payments] == [
        (PaymentKind.MANUAL, 1000, "Transfer ref 4411"),
        (PaymentKind.MANUAL, 500, "Transfer ref 4412"),
    ]
    assert payments[0].recorded_by == staff("billing")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Amount received: type an amount."),
        ("ten", "Amount received: type an amount such as 12.50."),
        ("0", "Amount received: type an amount above zero."),
        ("-5", "Amount received: type an amount above zero."),
        ("1.005", "Amount received: type at most two decimals, such as 12.50."),
        ("99999999", "Amount received: type an amount below 1,000,000."),
    ],
)
def test_the_form_refuses_what_is_not_an_amount(customer, billing, typed, message):
    invoice = issued(customer, 1000)

    page = billing.post(url(invoice), {"amount": typed, "note": "ref"}).content.decode()

    assert message in page
    assert not Payment.objects.filter(invoice=invoice).exists()


def test_a_reference_is_needed(customer, billing):
    page = billing.post(url(issued(customer, 1000)), {"amount": "1"}).content.decode()

    assert "Reference: this is needed." in page


def test_more_than_is_due_is_refused_by_the_service_on_the_amount(customer, billing):
    invoice = issued(customer, 1000)

    page = billing.post(url(invoice), {"amount": "10.01", "note": "ref"}).content.decode()

    assert 'id="id_amount_error"' in page
    assert "is more than the balance due (EUR 10.00)" in page
    assert not Payment.objects.filter(invoice=invoice).exists()


def test_a_paid_invoice_offers_no_form(customer, billing):
    invoice = issued(customer, 1000)
    billing.post(url(invoice), {"amount": "10", "note": "ref"})

    page = billing.get(url(invoice)).content.decode()

    assert "there is nothing to pay on it" in page
    assert '<form method="post" novalidate>' not in page


@pytest.mark.parametrize("role", [StaffRole.SUPPORT, StaffRole.LEGAL, StaffRole.MARKETING])
def test_roles_without_billing_are_refused(customer, staff_client, role):
    invoice = issued(customer, 1000)

    response = staff_client(role).post(url(invoice), {"amount": "10", "note": "ref"})

    assert response.status_code == 403
    assert not Payment.objects.filter(invoice=invoice).exists()


def test_a_customer_gets_404(customer, customer_client):
    assert customer_client.get(url(issued(customer, 1000))).status_code == 404


def test_a_card_number_in_the_reference_is_refused_before_anything_is_stored(customer, billing):
    invoice = issued(customer, 1000)

    page = billing.post(url(invoice), {"amount": "5", "note": "card 4242 4242 4242 4242"})

    assert page.status_code == 400
    assert "Card numbers are not typed here" in page.content.decode()
    assert not Payment.objects.filter(invoice=invoice).exists()
