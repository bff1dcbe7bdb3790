# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""Issuing a credit note from the back office: on an open invoice it lowers what is due, on a
paid one it becomes account credit; the service's limits shown on the amount."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.billing.models import BillingAccount, CreditNote
from clientvault.billing.services.invoices import cancel_invoice
from clientvault.billing.services.payments import record_manual_payment
from tests.accounts.personas import customer, customer_client, staff, staff_client  # noqa: F401
from tests.billing.support import issued

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(invoice) -> str:
    return reverse("billing:staff_credit_note", args=[invoice.pk])


@pytest.fixture
def billing(staff_client):
    return staff_client(StaffRole.BILLING)


def test_it_lowers_what_an_open_invoice_asks_for(customer, billing):
    invoice = issued(customer, 3000)

    page = billing.post(url(invoice), {"amount": "10", "reason": "Outage"}, follow=True)

    note = CreditNote.objects.get(invoice=invoice)
    assert f"Issued credit note {note.display_number} on {invoice.display_number}." in (
        page.content.decode()
    )
    invoice.refresh_from_db()
    assert invoice.balance_due == 2000


def test_on_a_paid_invoice_it_becomes_account_credit(customer, billing, staff):
    invoice = issued(customer, 3000)
    record_manual_payment(invoice=invoice, amount=3000, note="ref", actor=staff("billing"))

    billing.post(url(invoice), {"amount": "7.50", "reason": "Goodwill"})

    assert BillingAccount.objects.get(customer=customer.customer).credit == 750


def test_more_than_can_be_credited_is_refused_on_the_amount(customer, billing):
    invoice = issued(customer, 3000)

    page = billing.post(url(invoice), {"amount": "30.01", "reason": "Too much"}).content.decode()

    assert 'id="id_amount_error"' in page
    assert "is more than can be credited on this invoice (EUR 30.00)" in page
    assert not CreditNote.objects.exists()


def test_a_card_number_in_the_reason_is_refused(customer, billing):
    invoice = issued(customer, 3000)

    page = billing.post(url(invoice), {"amount": "1", "reason": "4242424242424242"})

    assert page.status_code == 400
    assert not CreditNote.objects.exists()


def test_a_cancelled_invoice_offers_no_form(customer, billing, staff):
    invoice = cancel_invoice(
        invoice=issued(customer, 3000), reason="Ordered twice", actor=staff("billing")
    )

    page = billing.get(url(invoice)).content.decode()

    assert "A cancelled invoice takes no credit note." in page
    assert (
        "Issue a credit note"
        not in billing.get(reverse("billing:staff_invoice", args=[invoice.pk])).content.decode()
    )


def test_support_is_refused(customer, staff_client):
    invoice = issued(customer, 3000)

    assert (
        staff_client(StaffRole.SUPPORT)
        .post(url(invoice), {"amount": "1", "reason": "x"})
        .status_code
        == 403
    )
    assert not CreditNote.objects.exists()


def test_a_customer_gets_404(customer, customer_client):
    assert customer_client.get(url(issued(customer, 3000))).status_code == 404
