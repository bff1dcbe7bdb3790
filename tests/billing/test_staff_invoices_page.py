# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The back office's invoice list: every account's invoices, filtered by status, found by an
invoice's or an account's number, paged; for the roles granted the billing purpose."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.billing.models import InvoiceStatus
from tests.accounts.personas import (  # noqa: F401
    customer,
    customer_client,
    outsider,
    staff,
    staff_client,
)
from tests.billing.rows import ISSUED_ADDRESS, an_invoice

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

LIST = reverse("billing:staff_invoices")


def numbers(page: str) -> list[str]:
    return re.findall(r">(INV\d{6}|draft \d+)</a>", page)


@pytest.fixture
def billing(staff_client):
    return staff_client(StaffRole.BILLING)


def test_it_lists_every_accounts_invoices_newest_first(customer, outsider, billing):
    mine = an_invoice(customer)
    theirs = an_invoice(outsider, status=InvoiceStatus.PAID, paid=1200)
    draft = an_invoice(customer, status=InvoiceStatus.DRAFT)

    page = billing.get(LIST).content.decode()

    assert numbers(page) == [draft.display_number, theirs.display_number, mine.display_number]
    assert customer.customer.number in page
    assert outsider.customer.number in page
    assert ISSUED_ADDRESS.splitlines()[0] not in page  # the list shows no one's address


def test_it_filters_by_status(customer, billing):
    an_invoice(customer)
    overdue = an_invoice(customer, status=InvoiceStatus.OVERDUE)

    page = billing.get(LIST, {"status": "overdue"}).content.decode()

    assert numbers(page) == [overdue.display_number]


@pytest.mark.parametrize("typed", ["{invoice}", "{invoice_lower}", " {invoice} "])
def test_it_finds_an_invoice_by_its_number(customer, billing, typed):
    wanted = an_invoice(customer)
    an_invoice(customer)
    query = typed.format(invoice=wanted.display_number, invoice_lower=wanted.display_number.lower())

    page = billing.get(LIST, {"q": query}).content.decode()

    assert numbers(page) == [wanted.display_number]


def test_it_finds_an_accounts_invoices_by_the_account_number(customer, outsider, billing):
    theirs = an_invoice(outsider)
    an_invoice(customer)

    page = billing.get(LIST, {"q": outsider.customer.number}).content.decode()

    assert numbers(page) == [theirs.display_number]


def test_nothing_found_says_so(customer, billing):
    an_invoice(customer)

    page = billing.get(LIST, {"q": "INV999999"}).content.decode()

    assert "No invoice matches." in page


def test_an_unknown_status_is_refused_on_the_form_and_lists_everything(customer, billing):
    an_invoice(customer)

    page = billing.get(LIST, {"status": "lost"}).content.decode()

    assert "Select a valid choice" in page
    assert len(numbers(page)) == 1


def test_it_pages_at_25(customer, billing):
    for _ in range(26):
        an_invoice(customer)

    first = billing.get(LIST, {"status": "unpaid"}).content.decode()
    second = billing.get(LIST, {"status": "unpaid", "page": 2}).content.decode()

    assert len(numbers(first)) == 25
    assert len(numbers(second)) == 1
    assert "status=unpaid&amp;page=2" in first


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (StaffRole.BILLING, 200),
        (StaffRole.ADMINISTRATOR, 200),
        (StaffRole.SUPPORT, 403),
        (StaffRole.PRIVACY_OFFICER, 403),
        (StaffRole.LEGAL, 403),
        (StaffRole.MARKETING, 403),
    ],
)
def test_only_roles_granted_billing_open_it(staff_client, role, status):
    assert staff_client(role).get(LIST).status_code == status


def test_a_customer_gets_404(customer_client):
    assert customer_client.get(LIST).status_code == 404
