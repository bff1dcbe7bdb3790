# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""One invoice in the customer area: as issued (to whom, lines, VAT, reverse charge), its
payments, credit notes and balance; found by its number through the person's own account."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.billing.models import InvoiceStatus, PaymentStatus
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
from tests.billing.rows import (
    ISSUED_ADDRESS,
    TOKEN,
    a_credit_note,
    a_method,
    a_payment,
    an_invoice,
)

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(invoice) -> str:
    return reverse("billing:invoice", args=[invoice.display_number])


def test_it_shows_the_invoice_as_issued(customer, customer_client):
    invoice = an_invoice(customer, lines=(("Shared hosting", 1, 1000), ("Backup add-on", 2, 250)))

    page = customer_client.get(url(invoice)).content.decode()

    assert f"Invoice {invoice.display_number}" in page
    assert "Ada Lovelace" in page
    assert ISSUED_ADDRESS.splitlines()[0] in page
    for text in ("Shared hosting", "Backup add-on", "EUR 2.50", "20 %"):
        assert text in page
    assert "EUR 15.00" in page
    assert "EUR 3.00" in page
    assert "EUR 18.00 is due" in page
    assert "Reverse charge" not in page


def test_a_reverse_charge_invoice_says_so(customer, customer_client):
    invoice = an_invoice(customer, reverse_charge=True)

    page = customer_client.get(url(invoice)).content.decode()

    assert "Reverse charge" in page
    assert "DE136695976" in page
    assert "0 %" in page


def test_it_lists_payments_credit_notes_and_the_balance(customer, customer_client):
    method = a_method(customer)
    invoice = an_invoice(customer, paid=500, credited=200)
    a_payment(invoice, amount=500, method=method, amount_refunded=100)
    a_payment(invoice, amount=700, method=method, status=PaymentStatus.FAILED)
    a_credit_note(invoice, amount=200, reason="Outage on 3 May")

    page = customer_client.get(url(invoice)).content.decode()

    assert "Visa ending 4242" in page
    assert "EUR 5.00" in page
    assert "EUR 1.00" in page
    assert "EUR 7.00" not in page  # a failed attempt is not a payment
    assert "CN000001" in page
    assert "Outage on 3 May" in page
    assert "EUR 5.00 is due" in page  # 12.00 - 5.00 - 2.00
    assert TOKEN not in page


def test_a_failed_charge_is_explained_on_an_open_invoice(customer, customer_client):
    invoice = an_invoice(customer, status=InvoiceStatus.OVERDUE)
    a_payment(
        invoice,
        amount=1200,
        method=a_method(customer),
        status=PaymentStatus.FAILED,
        failure_message="The card was declined.",
    )

    page = customer_client.get(url(invoice)).content.decode()

    assert "The last attempt to charge it failed: The card was declined." in page


def test_a_teammate_with_billing_sees_it(customer, teammate_client):
    invoice = an_invoice(customer)

    assert teammate_client.get(url(invoice)).status_code == 200


def test_a_teammate_without_billing_gets_403(customer):
    invoice = an_invoice(customer)
    lacking = add_authorised_user(customer, username="linus", email="linus@example.com")

    assert sign_in(Client(), lacking.user).get(url(invoice)).status_code == 403


def test_an_outsider_gets_404(customer, outsider_client):
    invoice = an_invoice(customer)

    assert outsider_client.get(url(invoice)).status_code == 404


@pytest.mark.parametrize(
    "number", ["INV999999", "INV42", "draft", "INV0000001", "\uff11\uff12\uff13"]
)
def test_an_unknown_or_misprinted_number_gets_404(customer, customer_client, number):
    an_invoice(customer)

    assert customer_client.get(reverse("billing:invoice", args=[number])).status_code == 404


def test_a_draft_is_not_shown(customer, customer_client):
    draft = an_invoice(customer, status=InvoiceStatus.DRAFT)

    response = customer_client.get(reverse("billing:invoice", args=[f"draft {draft.pk}"]))

    assert response.status_code == 404
