# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""/api/v1/billing: invoices (paged, one by number), token-free payment methods and credit, for
a token of a person with the billing permission; 403 without it, 404 for another account's."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from clientvault.accounts.services import create_api_token
from clientvault.billing.models import InvoiceStatus, MethodStatus, Payment, PaymentStatus
from tests.accounts.personas import (  # noqa: F401
    add_authorised_user,
    customer,
    outsider,
    teammate,
)
from tests.billing.charging_support import DECLINED, HANGING, real_card
from tests.billing.rows import (
    ADDRESS,
    ISSUED_ADDRESS,
    TOKEN,
    a_credit_note,
    a_method,
    a_payment,
    an_invoice,
    some_credit,
)
from tests.billing.support import issued

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def post(person, path: str, body: dict | None = None):
    raw = create_api_token(user=person.user, name="test")[1]
    return Client().post(
        f"/api/v1/billing{path}",
        json.dumps(body or {}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )


def get(person, path: str, **params):
    raw = create_api_token(user=person.user, name="test")[1]
    return Client().get(
        f"/api/v1/billing{path}", params, headers={"Authorization": f"Bearer {raw}"}
    )


def test_it_lists_issued_invoices_newest_first_25_a_page(customer):
    made = [an_invoice(customer, issued_days_ago=40 - i) for i in range(26)]
    an_invoice(customer, status=InvoiceStatus.DRAFT)

    first = get(customer, "/invoices").json()
    second = get(customer, "/invoices", page=2).json()

    assert first["count"] == 26
    assert first["page_size"] == 25
    assert first["items"][0] == {
        "number": made[-1].display_number,
        "status": "unpaid",
        "currency": "EUR",
        "issued_at": first["items"][0]["issued_at"],
        "due_on": made[-1].due_on.isoformat(),
        "total": 1200,
        "balance_due": 1200,
    }
    assert [i["number"] for i in second["items"]] == [made[0].display_number]


def test_a_paid_invoice_has_nothing_due(customer):
    an_invoice(customer, status=InvoiceStatus.PAID, paid=1200)

    assert get(customer, "/invoices").json()["items"][0]["balance_due"] == 0


def test_one_invoice_in_full(customer):
    invoice = an_invoice(customer, paid=500, credited=200, reverse_charge=True)
    a_payment(invoice, amount=500, method=a_method(customer), amount_refunded=100)
    a_payment(invoice, amount=700, status=PaymentStatus.FAILED)
    a_credit_note(invoice, amount=200, reason="Outage")

    body = get(customer, f"/invoices/{invoice.display_number}").json()

    assert body["issued_to"] == {
        "name": "Ada Lovelace",
        "organisation": "",
        "address": ISSUED_ADDRESS,
        "country": "GB",
        "vat_number": "DE136695976",
    }
    assert body["reverse_charge"] is True
    assert body["lines"] == [
        {
            "description": "Shared hosting, monthly",
            "quantity": 1,
            "unit_amount": 1000,
            "tax_rate": "0.00",
            "amount": 1000,
        }
    ]
    assert (body["subtotal"], body["tax"], body["total"], body["balance_due"]) == (
        1000,
        0,
        1000,
        300,
    )
    assert [(p["method"], p["amount"], p["refunded"]) for p in body["payments"]] == [
        ("Visa ending 4242", 500, 100)
    ]
    assert [(n["number"], n["amount"], n["reason"]) for n in body["credit_notes"]] == [
        ("CN000001", 200, "Outage")
    ]


def test_one_invoice_as_a_pdf(customer):
    invoice = issued(customer, 1000)

    response = get(customer, f"/invoices/{invoice.display_number}/pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{invoice.display_number}.pdf"'
    assert response.content.startswith(b"%PDF")


def test_another_accounts_pdf_is_404(customer, outsider):
    invoice = issued(customer, 1000)

    assert get(outsider, f"/invoices/{invoice.display_number}/pdf").status_code == 404


def test_payment_methods_are_token_free(customer):
    a_method(customer, brand="mastercard", last4="5454", default=False)
    a_method(customer)
    a_method(customer, last4="1111", default=False, status=MethodStatus.REMOVED)

    response = get(customer, "/payment-methods")

    body = response.json()
    assert [(m["brand"], m["last4"], m["is_default"]) for m in body] == [
        ("visa", "4242", True),
        ("mastercard", "5454", False),
    ]
    assert set(body[0]) == {"id", "kind", "brand", "last4", "exp_month", "exp_year", "is_default"}
    text = response.content.decode()
    for secret in (TOKEN, ADDRESS.splitlines()[0], "Ada Lovelace"):
        assert secret not in text


def test_credit_and_its_history(customer):
    some_credit(customer, 2500, -1000, note="Goodwill")

    body = get(customer, "/credit").json()

    assert body["balance"] == 1500
    assert body["currency"] == "EUR"
    assert [(e["amount"], e["balance_after"], e["reason"]) for e in body["history"]] == [
        (-1000, 1500, "applied"),
        (2500, 2500, "staff"),
    ]


def test_a_teammate_with_billing_reads_the_accounts_invoices(customer, teammate):
    invoice = an_invoice(customer)

    assert get(teammate, f"/invoices/{invoice.display_number}").status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/invoices", "/invoices/{number}", "/invoices/{number}/pdf", "/payment-methods", "/credit"],
)
def test_a_teammate_without_billing_gets_403(customer, path):
    invoice = an_invoice(customer)
    lacking = add_authorised_user(customer, username="linus", email="linus@example.com")

    response = get(lacking, path.format(number=invoice.display_number))

    assert response.status_code == 403
    assert "billing permission" in response.json()["detail"]


def test_another_accounts_invoice_is_404(customer, outsider):
    invoice = an_invoice(customer)

    response = get(outsider, f"/invoices/{invoice.display_number}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_outsider_lists_only_their_own(customer, outsider):
    an_invoice(customer)
    a_method(customer)
    some_credit(customer, 900)

    assert get(outsider, "/invoices").json()["count"] == 0
    assert get(outsider, "/payment-methods").json() == []
    assert get(outsider, "/credit").json()["balance"] == 0


def test_the_schema_declares_the_billing_permission_on_each_operation():
    schema = json.loads(Client().get("/api/v1/openapi.json").content)

    operations = [
        spec
        for path, methods in schema["paths"].items()
        if "/billing/" in path
        for spec in methods.values()
    ]
    assert len(operations) >= 6
    assert {op["x-clientvault-permission"] for op in operations} == {"billing"}


def test_paying_with_the_default_method(customer, gateway_server):
    real_card(customer, gateway_server)
    invoice = issued(customer, 1000, 500)

    response = post(customer, f"/invoices/{invoice.display_number}/pay")

    assert response.status_code == 200
    assert response.json() == {
        "status": "succeeded",
        "amount": 1500,
        "currency": "EUR",
        "message": "Paid. A receipt is on its way by e-mail.",
    }
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_paying_with_a_method_named_by_its_id(customer, gateway_server):
    real_card(customer, gateway_server, DECLINED)
    good = real_card(customer, gateway_server)
    invoice = issued(customer, 1000)

    assert (
        post(customer, f"/invoices/{invoice.display_number}/pay", {"method": good.pk}).json()[
            "status"
        ]
        == "succeeded"
    )


def test_a_decline_is_422_saying_why(customer, gateway_server):
    real_card(customer, gateway_server, DECLINED)
    invoice = issued(customer, 1000)

    response = post(customer, f"/invoices/{invoice.display_number}/pay")

    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {"field": None, "message": "Your card was declined. Please use another payment method."}
        ]
    }


def test_an_unanswered_charge_is_202_and_not_sent_again(customer, gateway_server, settings):
    settings.PAYMENT_GATEWAY_TIMEOUT = 0.5
    real_card(customer, gateway_server, HANGING)
    invoice = issued(customer, 1000)

    first = post(customer, f"/invoices/{invoice.display_number}/pay")

    assert first.status_code == 202
    assert first.json()["status"] == "pending"
    assert "did not answer in time" in first.json()["message"]


def test_another_accounts_method_is_422_on_the_method(customer, outsider):
    theirs = a_method(outsider)
    invoice = issued(customer, 1000)

    response = post(customer, f"/invoices/{invoice.display_number}/pay", {"method": theirs.pk})

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "method"
    assert not Payment.objects.exists()


def test_without_a_default_method_it_is_422(customer):
    a_method(customer, default=False)
    invoice = issued(customer, 1000)

    response = post(customer, f"/invoices/{invoice.display_number}/pay")

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "method"


def test_a_paid_invoice_is_409(customer):
    a_method(customer)
    invoice = an_invoice(customer, status=InvoiceStatus.PAID, paid=1200)

    response = post(customer, f"/invoices/{invoice.display_number}/pay")

    assert response.status_code == 409
    assert response.json() == {
        "detail": f"Invoice {invoice.display_number} has nothing left to pay."
    }


def test_paying_another_accounts_invoice_is_404(customer, outsider):
    a_method(outsider)
    invoice = issued(customer, 1000)

    assert post(outsider, f"/invoices/{invoice.display_number}/pay").status_code == 404
