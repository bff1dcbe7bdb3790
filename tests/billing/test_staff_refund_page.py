# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""Refunding a payment from the back office: at most what is left of it, with a reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.billing.models import InvoiceStatus, Refund
from clientvault.billing.services.charging import pay_invoice_now
from clientvault.billing.services.payments import record_manual_payment
from tests.accounts.personas import customer, customer_client, staff, staff_client  # noqa: F401
from tests.billing.charging_support import real_card
from tests.billing.support import issued

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(payment) -> str:
    return reverse("billing:staff_refund", args=[payment.pk])


@pytest.fixture
def billing(staff_client):
    return staff_client(StaffRole.BILLING)


@pytest.fixture
def paid(customer, staff):
    invoice = issued(customer, 2000)
    payment = record_manual_payment(
        invoice=invoice, amount=2000, note="Transfer", actor=staff("billing")
    )
    return invoice, payment


def test_the_invoice_page_links_to_the_refund(paid, billing):
    invoice, payment = paid

    page = billing.get(reverse("billing:staff_invoice", args=[invoice.pk])).content.decode()

    assert url(payment) in page


def test_it_refunds_part_then_the_rest(paid, billing):
    invoice, payment = paid

    first = billing.post(url(payment), {"amount": "5.00", "reason": "Late setup"}, follow=True)
    billing.post(url(payment), {"amount": "15.00", "reason": "Cancelled"})

    assert f"Refunded EUR 5.00 of the payment on {invoice.display_number}." in (
        first.content.decode()
    )
    assert [(r.amount, r.reason) for r in Refund.objects.order_by("id")] == [
        (500, "Late setup"),
        (1500, "Cancelled"),
    ]
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.REFUNDED
    assert (
        "Nothing is left of this payment to refund." in billing.get(url(payment)).content.decode()
    )


def test_more_than_is_left_is_refused_by_the_form(paid, billing):
    _, payment = paid

    page = billing.post(url(payment), {"amount": "20.01", "reason": "Too much"}).content.decode()

    assert "Amount to refund: at most what is left of the payment to refund." in page
    assert "At most EUR 20.00, what is left of the payment." in page
    assert not Refund.objects.exists()


def test_a_reason_is_needed(paid, billing):
    _, payment = paid

    page = billing.post(url(payment), {"amount": "1"}).content.decode()

    assert "Reason: this is needed." in page
    assert not Refund.objects.exists()


@pytest.mark.parametrize("role", [StaffRole.SUPPORT, StaffRole.ADMINISTRATOR])
def test_other_roles_than_billing_refund_only_with_the_billing_purpose(paid, staff_client, role):
    _, payment = paid

    response = staff_client(role).post(url(payment), {"amount": "1", "reason": "x"})

    assert response.status_code == (302 if role == StaffRole.ADMINISTRATOR else 403)
    assert Refund.objects.count() == (1 if role == StaffRole.ADMINISTRATOR else 0)


def test_a_customer_gets_404(paid, customer_client):
    assert customer_client.get(url(paid[1])).status_code == 404


def test_a_card_number_in_the_reason_is_refused(paid, billing):
    _, payment = paid

    page = billing.post(url(payment), {"amount": "1", "reason": "to 4000056655665556"})

    assert page.status_code == 400
    assert not Refund.objects.exists()


def test_a_card_payment_is_refunded_at_the_gateway(customer, billing, gateway_server):
    card = real_card(customer, gateway_server)
    invoice = issued(customer, 2000)
    payment = pay_invoice_now(invoice=invoice, method=card, actor=customer.user)

    page = billing.post(url(payment), {"amount": "12.50", "reason": "Downgrade"}, follow=True)

    assert f"Refunded EUR 12.50 of the payment on {invoice.display_number}." in (
        page.content.decode()
    )
    [refund] = Refund.objects.all()
    assert refund.reference not in {"", "manual"}  # the gateway's reference
    payment.refresh_from_db()
    assert payment.amount_refunded == 1250
