# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The invoice's PDF in the customer area: a file to keep, named by the invoice's number; only
through the person's own account."""

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
    teammate,
    teammate_client,
)
from tests.billing.support import issued

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(invoice) -> str:
    return reverse("billing:invoice_pdf", args=[invoice.display_number])


def test_it_downloads_the_invoice_as_a_pdf_named_by_its_number(customer, customer_client):
    invoice = issued(customer, 1000)

    response = customer_client.get(url(invoice))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{invoice.display_number}.pdf"'
    assert response.content.startswith(b"%PDF")


def test_the_invoice_page_links_to_it(customer, customer_client):
    invoice = issued(customer, 1000)

    page = customer_client.get(reverse("billing:invoice", args=[invoice.display_number]))

    assert url(invoice) in page.content.decode()


def test_a_teammate_with_billing_downloads_it(customer, teammate_client):
    assert teammate_client.get(url(issued(customer, 1000))).status_code == 200


def test_a_teammate_without_billing_gets_403(customer):
    linus = add_authorised_user(customer, username="linus", email="linus@example.com")

    assert sign_in(Client(), linus.user).get(url(issued(customer, 1000))).status_code == 403


def test_an_outsider_gets_404(customer, outsider_client):
    assert outsider_client.get(url(issued(customer, 1000))).status_code == 404
