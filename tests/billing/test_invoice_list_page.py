# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The customer's invoice list: issued invoices only, newest first, 25 a page, an empty state,
and only for people with the billing permission."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.billing.models import InvoiceStatus
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
from tests.billing.rows import an_invoice

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

LIST = reverse("billing:invoices")


def numbers(page: str) -> list[str]:
    return re.findall(r">(INV\d{6})</a>", page)


def test_it_lists_issued_invoices_newest_first_with_their_figures(customer, customer_client):
    old = an_invoice(customer, issued_days_ago=40, status=InvoiceStatus.PAID, paid=1200)
    new = an_invoice(customer, issued_days_ago=2, lines=(("VPS", 2, 1500),))

    page = customer_client.get(LIST).content.decode()

    assert numbers(page) == [new.display_number, old.display_number]
    assert "EUR 36.00" in page  # the new one's total (2 x 15.00 + 20 % VAT), and what is due
    assert page.count("EUR 36.00") == 2
    assert "Paid" in page
    assert "Unpaid" in page


def test_drafts_are_not_shown(customer, customer_client):
    draft = an_invoice(customer, status=InvoiceStatus.DRAFT)

    page = customer_client.get(LIST).content.decode()

    assert draft.display_number not in page
    assert "No invoices yet" in page


def test_it_pages_at_25(customer, customer_client):
    made = [an_invoice(customer, issued_days_ago=30 - i) for i in range(27)]

    first = customer_client.get(LIST).content.decode()
    second = customer_client.get(LIST, {"page": 2}).content.decode()

    assert len(numbers(first)) == 25
    assert numbers(second) == [made[1].display_number, made[0].display_number]
    assert "Page 1 of 2" in first


def test_an_authorised_user_with_the_billing_permission_sees_the_accounts_invoices(
    customer, teammate_client
):
    invoice = an_invoice(customer)

    assert invoice.display_number in teammate_client.get(LIST).content.decode()


def test_an_authorised_user_without_the_billing_permission_is_refused(customer):
    lacking = add_authorised_user(
        customer, username="linus", email="linus@example.com", permissions=["support"]
    )
    an_invoice(customer)

    response = sign_in(Client(), lacking.user).get(LIST)

    assert response.status_code == 403


def test_an_outsider_sees_only_their_own_invoices(customer, outsider, outsider_client):
    theirs = an_invoice(customer)
    own = an_invoice(outsider)

    page = outsider_client.get(LIST).content.decode()

    assert numbers(page) == [own.display_number]
    assert theirs.display_number not in page


def test_a_visitor_is_sent_to_sign_in():
    response = Client().get(LIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
