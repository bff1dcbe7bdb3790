"""The test gateway's API: customers, setup sessions, bank accounts, charges, refunds, and the
idempotency that keeps a retried charge from charging twice."""

from __future__ import annotations

import json
import threading
import time

import pytest

from clientvault.testgateway import cards
from tests.billing.gateway_server import (
    HANG_SECONDS,
    a_customer,
    a_saved_card,
    api,
    running_gateway,
)


@pytest.fixture
def gateway():
    with running_gateway() as running:
        yield running


def charge(gateway, customer, token, amount=1000, key="k-1", currency="EUR", timeout=10.0):
    body = {
        "customer": customer,
        "payment_method": token,
        "amount": amount,
        "currency": currency,
        "description": "Invoice 1",
    }
    return api(gateway, "POST", "/v1/charges", body, key=key, timeout=timeout)


def test_it_refuses_a_request_without_the_secret_key(gateway):
    status, body, _ = api(gateway, "POST", "/v1/customers", {}, secret="wrong")
    assert status == 401
    assert body["error"]["code"] == "unauthorized"


def test_a_setup_session_is_open_until_the_payer_completes_it(gateway):
    customer = a_customer(gateway)
    status, body, _ = api(
        gateway,
        "POST",
        "/v1/setup_sessions",
        {
            "customer": customer,
            "kind": "card",
            "return_url": "http://shop.test/back/7",
            "cancel_url": "http://shop.test/cancel",
        },
    )
    assert status == 200
    assert body["status"] == "open"
    assert body["url"] == f"{gateway.url}/setup/{body['id']}"
    status, read, _ = api(gateway, "GET", f"/v1/setup_sessions/{body['id']}")
    assert (status, read["status"], read["payment_method"]) == (200, "open", None)


def test_a_completed_session_gives_the_method_but_never_the_number(gateway):
    customer = a_customer(gateway)
    token = a_saved_card(gateway, customer)
    status, method, _ = api(gateway, "GET", f"/v1/payment_methods/{token}")
    assert status == 200
    assert method["brand"] == "visa"
    assert method["last4"] == "4242"
    assert (method["exp_month"], method["exp_year"]) == (12, 2040)
    assert method["holder_name"] == "Ada Lovelace"
    assert method["billing_address"] == "12 Marylebone Road\nNW1 5LR London\nGB"
    assert "4242424242424242" not in json.dumps(method)
    assert "number" not in method


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("return_url", "javascript:alert(1)"),
        ("cancel_url", "not a url"),
        ("kind", "sepa"),
        ("customer", "cus_nobody"),
    ],
)
def test_a_setup_session_needs_a_customer_a_kind_and_web_addresses(gateway, field, value):
    body = {
        "customer": a_customer(gateway),
        "kind": "card",
        "return_url": "http://shop.test/back",
        "cancel_url": "http://shop.test/cancel",
        field: value,
    }
    status, answer, _ = api(gateway, "POST", "/v1/setup_sessions", body)
    assert status in (400, 404)
    assert answer["error"]["code"] in ("parameter_invalid", "resource_missing")


def test_a_bank_account_is_kept_as_a_token_and_its_last_four_digits(gateway):
    customer = a_customer(gateway)
    iban = "DE89 3704 0044 0532 0130 00"
    status, method, _ = api(
        gateway,
        "POST",
        f"/v1/customers/{customer}/bank_accounts",
        {"iban": iban, "holder_name": "Ada Lovelace"},
        key="iban-1",
    )
    assert status == 200
    assert (method["kind"], method["last4"]) == ("sepa", "3000")
    assert method["token"].startswith("pm_")
    assert "DE89" not in json.dumps(method)


def test_an_invalid_iban_is_refused_without_repeating_it(gateway):
    customer = a_customer(gateway)
    status, body, _ = api(
        gateway,
        "POST",
        f"/v1/customers/{customer}/bank_accounts",
        {"iban": "DE89370400440532013001", "holder_name": "Ada"},
    )
    assert status == 400
    assert body["error"]["code"] == "invalid_iban"
    assert "013001" not in json.dumps(body)


def test_a_charge_succeeds_on_the_good_test_card(gateway):
    customer = a_customer(gateway)
    token = a_saved_card(gateway, customer)
    status, body, _ = charge(gateway, customer, token, amount=1999)
    assert status == 200
    assert body["status"] == "succeeded"
    assert (body["amount"], body["currency"]) == (1999, "EUR")
    assert body["id"].startswith("ch_")


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("4000000000000002", "card_declined"),
        ("4000000000009995", "insufficient_funds"),
        ("4000000000000069", "expired_card"),
    ],
)
def test_a_declined_card_is_answered_402_with_the_charge_and_its_code(gateway, number, code):
    customer = a_customer(gateway)
    token = a_saved_card(gateway, customer, number=number)
    status, body, _ = charge(gateway, customer, token)
    assert status == 402
    assert body["error"]["code"] == code
    assert body["charge"]["status"] == "failed"
    assert body["charge"]["failure_code"] == code
    assert body["error"]["charge"] == body["charge"]["id"]


def test_the_refused_iban_fails_its_debits(gateway):
    customer = a_customer(gateway)
    _, method, _ = api(
        gateway,
        "POST",
        f"/v1/customers/{customer}/bank_accounts",
        {"iban": cards.REFUSED_IBAN, "holder_name": "Ada"},
    )
    status, body, _ = charge(gateway, customer, method["token"])
    assert (status, body["error"]["code"]) == (402, "debit_not_authorized")


def test_the_same_idempotency_key_gives_the_first_answer_and_charges_once(gateway):
    customer = a_customer(gateway)
    token = a_saved_card(gateway, customer)
    first = charge(gateway, customer, token, key="invoice-9-attempt-1")
    again = charge(gateway, customer, token, key="invoice-9-attempt-1")
    assert first[1] == again[1]
    assert again[2].get("Idempotent-Replayed") == "true"
    assert len(gateway.store.all("SELECT id FROM charges")) == 1


def test_a_replayed_decline_is_the_same_decline(gateway):
    customer = a_customer(gateway)
    token = a_saved_card(gateway, customer, number="4000000000000002")
    first = charge(gateway, customer, token, key="k-decline")
    again = charge(gateway, customer, token, key="k-decline")
    assert (first[0], first[1]) == (again[0], again[1]) == (402, first[1])
    assert len(gateway.store.all("SELECT id FROM charges")) == 1


def test_a_reused_key_with_another_amount_is_refused_with_409(gateway):
    customer = a_customer(gateway)
    token = a_saved_card(gateway, customer)
    charge(gateway, customer, token, amount=1000, key="k-amount")
    status, body, _ = charge(gateway, customer, token, amount=2000, key="k-amount")
    assert status == 409
    assert body["error"]["code"] == "idempotency_key_reused"
    assert [c["amount"] for c in gateway.store.all("SELECT amount FROM charges")] == [1000]


def test_a_charge_needs_an_idempotency_key(gateway):
    customer = a_customer(gateway)
    token = a_saved_card(gateway, customer)
    status, body, _ = charge(gateway, customer, token, key="")
    assert (status, body["error"]["code"]) == (400, "idempotency_key_missing")


def test_concurrent_retries_with_one_key_charge_once(gateway):
    customer = a_customer(gateway)
    token = a_saved_card(gateway, customer)
    answers = []

    def attempt():
        answers.append(charge(gateway, customer, token, key="k-race")[1]["id"])

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(answers)) == 1
    assert len(gateway.store.all("SELECT id FROM charges")) == 1


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": -5}, "amount"),
        ({"amount": 10.5}, "amount"),
        ({"amount": True}, "amount"),
        ({"currency": "EURO"}, "currency"),
    ],
)
def test_a_charge_needs_a_positive_whole_amount_and_a_currency(gateway, change, param):
    customer = a_customer(gateway)
    token = a_saved_card(gateway, customer)
    body = {
        "customer": customer,
        "payment_method": token,
        "amount": 100,
        "currency": "EUR",
        **change,
    }
    status, answer, _ = api(gateway, "POST", "/v1/charges", body, key="k-bad")
    assert (status, answer["error"]["param"]) == (400, param)
    assert gateway.store.all("SELECT id FROM charges") == []


def test_a_charge_on_another_customers_or_a_detached_method_is_refused(gateway):
    ada, otto = a_customer(gateway), a_customer(gateway, "Otto")
    token = a_saved_card(gateway, ada)
    assert charge(gateway, otto, token, key="k-otto")[0] == 400
    status, method, _ = api(gateway, "POST", f"/v1/payment_methods/{token}/detach", {})
    assert (status, method["detached"]) == (200, True)
    status, body, _ = charge(gateway, ada, token, key="k-detached")
    assert (status, body["error"]["code"]) == (400, "payment_method_unusable")


def test_the_hanging_card_answers_late_but_records_the_charge_for_a_retry(gateway):
    customer = a_customer(gateway)
    token = a_saved_card(gateway, customer, number=cards.HANGING_CARD)
    with pytest.raises(TimeoutError):
        charge(gateway, customer, token, key="k-hang", timeout=0.3)
    started = time.monotonic()
    status, body, headers = charge(gateway, customer, token, key="k-hang")
    assert time.monotonic() - started < HANG_SECONDS
    assert (status, body["status"]) == (200, "succeeded")
    assert headers.get("Idempotent-Replayed") == "true"
    assert len(gateway.store.all("SELECT id FROM charges")) == 1


def test_a_refund_may_be_partial_and_never_above_what_was_charged(gateway):
    customer = a_customer(gateway)
    token = a_saved_card(gateway, customer)
    charged = charge(gateway, customer, token, amount=1000)[1]
    refund = {"charge": charged["id"], "amount": 600}
    status, first, _ = api(gateway, "POST", "/v1/refunds", refund, key="r-1")
    assert (status, first["amount"], first["charge_amount_refunded"]) == (200, 600, 600)
    status, body, _ = api(gateway, "POST", "/v1/refunds", {**refund, "amount": 401}, key="r-2")
    assert (status, body["error"]["code"]) == (400, "amount_too_large")
    status, last, _ = api(gateway, "POST", "/v1/refunds", {**refund, "amount": 400}, key="r-3")
    assert (status, last["charge_amount_refunded"]) == (200, 1000)
    assert api(gateway, "GET", f"/v1/charges/{charged['id']}")[1]["amount_refunded"] == 1000


def test_a_retried_refund_refunds_once(gateway):
    customer = a_customer(gateway)
    token = a_saved_card(gateway, customer)
    charged = charge(gateway, customer, token, amount=1000)[1]
    refund = {"charge": charged["id"], "amount": 300}
    first = api(gateway, "POST", "/v1/refunds", refund, key="r-same")
    again = api(gateway, "POST", "/v1/refunds", refund, key="r-same")
    assert first[1] == again[1]
    assert api(gateway, "GET", f"/v1/charges/{charged['id']}")[1]["amount_refunded"] == 300
    status, body, _ = api(gateway, "POST", "/v1/refunds", {**refund, "amount": 5}, key="r-same")
    assert (status, body["error"]["code"]) == (409, "idempotency_key_reused")


def test_a_failed_charge_cannot_be_refunded(gateway):
    customer = a_customer(gateway)
    token = a_saved_card(gateway, customer, number="4000000000000002")
    failed = charge(gateway, customer, token)[1]["charge"]
    status, body, _ = api(
        gateway, "POST", "/v1/refunds", {"charge": failed["id"], "amount": 1}, key="r-f"
    )
    assert (status, body["error"]["code"]) == (400, "charge_not_refundable")


def test_an_unknown_route_or_a_broken_body_is_a_clear_error(gateway):
    assert api(gateway, "GET", "/v1/nothing-here")[0] == 404
    status, body, _ = api(gateway, "GET", "/v1/charges/ch_nobody")
    assert (status, body["error"]["code"]) == (404, "resource_missing")
