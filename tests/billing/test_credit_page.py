# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The customer's account credit and its history."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.personas import (  # noqa: F401
    add_authorised_user,
    customer,
    customer_client,
    outsider,
    outsider_client,
    sign_in,
)
from tests.billing.rows import some_credit

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

CREDIT = reverse("billing:credit")


def test_it_shows_the_balance_and_each_change_newest_first(customer, customer_client):
    some_credit(customer, 2500, -1000, note="Goodwill")

    page = customer_client.get(CREDIT).content.decode()

    assert "<strong>EUR 15.00</strong>" in page
    assert page.index("-EUR 10.00") < page.index("+EUR 25.00")
    assert "Added by staff" in page
    assert "Applied to an invoice" in page


def test_an_account_without_credit_says_so(customer_client):
    page = customer_client.get(CREDIT).content.decode()

    assert "EUR 0.00" in page
    assert "No credit yet" in page


def test_an_outsider_sees_only_their_own_credit(customer, outsider_client):
    some_credit(customer, 4200)

    page = outsider_client.get(CREDIT).content.decode()

    assert "EUR 42.00" not in page


def test_a_teammate_without_billing_gets_403(customer):
    lacking = add_authorised_user(customer, username="linus", email="linus@example.com")

    assert sign_in(Client(), lacking.user).get(CREDIT).status_code == 403
