# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""A customer's billing in the back office: in full for billing, and for support only the
invoices' numbers, amounts and statuses, never a token, an address or a payment method. Each
view is access-logged for each person on the account."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.billing.models import InvoiceStatus
from clientvault.privacy.services.access import accesses_to
from tests.accounts.personas import (  # noqa: F401
    customer,
    customer_client,
    outsider,
    staff,
    staff_client,
    teammate,
)
from tests.billing.rows import (
    ADDRESS,
    ISSUED_ADDRESS,
    TOKEN,
    a_method,
    a_payment,
    an_invoice,
    some_credit,
)

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(person) -> str:
    return reverse("billing:staff_account", args=[person.customer.number])


@pytest.fixture
def history(customer):
    method = a_method(customer)
    open_invoice = an_invoice(customer, paid=200)
    a_payment(open_invoice, amount=200, method=method, note="first instalment")
    paid = an_invoice(customer, status=InvoiceStatus.PAID, paid=1200)
    a_payment(paid, amount=1200)
    some_credit(customer, 900, note="Goodwill for the outage")
    return open_invoice, paid, method


def test_billing_sees_invoices_payments_methods_and_credit(customer, history, staff_client):
    open_invoice, paid, method = history

    page = staff_client(StaffRole.BILLING).get(url(customer)).content.decode()

    assert open_invoice.display_number in page
    assert paid.display_number in page
    assert reverse("billing:staff_invoice", args=[open_invoice.pk]) in page
    assert "EUR 10.00" in page  # what is still due
    assert "Visa ending 4242" in page
    assert "12/2030" in page
    assert "Goodwill for the outage" in page
    assert "EUR 9.00" in page
    assert reverse("billing:staff_reveal_address", args=[method.pk]) in page
    assert TOKEN not in page
    assert ADDRESS.splitlines()[0] not in page  # only a reveal shows the billing address


def test_support_sees_only_numbers_amounts_and_statuses(customer, history, staff_client):
    open_invoice, paid, method = history

    page = staff_client(StaffRole.SUPPORT).get(url(customer)).content.decode()

    assert open_invoice.display_number in page
    assert paid.display_number in page
    assert "EUR 12.00" in page
    assert "Unpaid" in page
    for hidden in (
        TOKEN,
        ADDRESS.splitlines()[0],
        ISSUED_ADDRESS.splitlines()[0],
        "Ada Lovelace",
        "Visa",
        "4242",
        "first instalment",
        "Goodwill for the outage",
        reverse("billing:staff_invoice", args=[open_invoice.pk]),
        reverse("billing:staff_reveal_address", args=[method.pk]),
    ):
        assert hidden not in page, hidden


def test_administrator_sees_billing_but_may_not_reveal_an_address(customer, history, staff_client):
    _, _, method = history

    page = staff_client(StaffRole.ADMINISTRATOR).get(url(customer)).content.decode()

    assert "Visa ending 4242" in page
    assert reverse("billing:staff_reveal_address", args=[method.pk]) not in page


@pytest.mark.parametrize("role", [StaffRole.LEGAL, StaffRole.MARKETING])
def test_roles_without_support_or_billing_are_refused(customer, staff_client, role):
    assert staff_client(role).get(url(customer)).status_code == 403


def test_each_view_is_access_logged_for_each_person_on_the_account(
    customer, teammate, history, staff, staff_client
):
    staff_client(StaffRole.SUPPORT).get(url(customer))
    staff_client(StaffRole.BILLING).get(url(customer))

    for person in (customer, teammate):
        seen = [e for e in accesses_to(subject_id=person.subject_id) if e.action == "access.view"]
        assert [(e.actor_id, e.purpose, e.details["what"]) for e in seen] == [
            (f"user:{staff('support').pk}", "support", "billing.account"),
            (f"user:{staff('billing').pk}", "billing", "billing.account"),
        ]


def test_an_unknown_account_gets_404(staff_client):
    page = staff_client(StaffRole.BILLING).get(reverse("billing:staff_account", args=["CV0"]))

    assert page.status_code == 404


def test_the_customer_record_links_to_it(customer, staff_client):
    record = reverse("accounts:staff_customer", args=[customer.customer.number])

    page = staff_client(StaffRole.SUPPORT).get(record).content.decode()

    assert url(customer) in page


def test_a_customer_gets_404(customer, customer_client):
    assert customer_client.get(url(customer)).status_code == 404
