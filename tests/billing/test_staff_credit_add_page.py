# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""Adding account credit from the back office, with a note the customer sees."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.billing.models import BillingAccount, CreditEntry
from tests.accounts.personas import customer, customer_client, staff, staff_client  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(person) -> str:
    return reverse("billing:staff_credit_add", args=[person.customer.number])


def test_it_adds_credit_the_customer_then_sees(customer, staff_client, customer_client):
    billing = staff_client(StaffRole.BILLING)

    page = billing.post(
        url(customer), {"amount": "25", "note": "Sorry for the outage"}, follow=True
    )

    assert f"Added EUR 25.00 of credit to {customer.customer.number}." in page.content.decode()
    assert BillingAccount.objects.get(customer=customer.customer).credit == 2500
    mine = customer_client.get(reverse("billing:credit")).content.decode()
    assert "Sorry for the outage" in mine
    assert "<strong>EUR 25.00</strong>" in mine


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "", "note": "x"}, "Credit to add: type an amount."),
        ({"amount": "0.00", "note": "x"}, "Credit to add: type an amount above zero."),
        ({"amount": "5", "note": ""}, "Note: this is needed."),
        ({"amount": "5", "note": "x" * 201}, "Note: at most 200 characters."),
    ],
)
def test_the_form_says_what_is_wrong(customer, staff_client, data, message):
    page = staff_client(StaffRole.BILLING).post(url(customer), data).content.decode()

    assert message in page
    assert not CreditEntry.objects.exists()


def test_an_unknown_account_gets_404(staff_client):
    response = staff_client(StaffRole.BILLING).get(
        reverse("billing:staff_credit_add", args=["CV0"])
    )

    assert response.status_code == 404


def test_a_card_number_in_the_note_is_refused_before_anything_is_stored(customer, staff_client):
    page = staff_client(StaffRole.BILLING).post(
        url(customer), {"amount": "5", "note": "5555-5555-5555-4444"}
    )

    assert page.status_code == 400
    assert not CreditEntry.objects.exists()


@pytest.mark.parametrize("role", [StaffRole.SUPPORT, StaffRole.PRIVACY_OFFICER])
def test_roles_without_billing_are_refused(customer, staff_client, role):
    assert staff_client(role).post(url(customer), {"amount": "5", "note": "x"}).status_code == 403
    assert not CreditEntry.objects.exists()


def test_a_customer_gets_404(customer, customer_client):
    assert customer_client.get(url(customer)).status_code == 404
