# ruff: noqa: F811  (pytest fixtures imported from tests.billing.gateway_server)
"""The test gateway's adapter against the real local server: the Gateway protocol end to end,
timeouts and unreachable servers as GatewayError, refusals as GatewayRefused, and webhooks
checked for their signature and age."""

from __future__ import annotations

import json
import socket
import time

import pytest

from clientvault.billing.gateways.base import (
    GatewayError,
    GatewayRefused,
    Party,
    WebhookRejected,
)
from clientvault.billing.gateways.registry import current_gateway
from clientvault.billing.gateways.testgateway import SIGNATURE_HEADER, TestGateway
from clientvault.testgateway import cards
from clientvault.testgateway.webhooks import sign
from tests.billing.gateway_server import (  # noqa: F401
    CARD_FORM,
    gateway_server,
    post_form,
    running_gateway,
    webhook_receiver,
)

ADA = Party(name="Ada Lovelace", address_line1="12 Marylebone Road", city="London", country="GB")


@pytest.fixture
def adapter(gateway_server) -> TestGateway:
    return TestGateway()


def a_card(adapter, customer, number="4242424242424242"):
    hosted = adapter.start_setup(
        customer_ref=customer,
        kind="card",
        return_url="http://shop.test/back?session=1",
        cancel_url="http://shop.test/cancel",
    )
    assert post_form(hosted.url, {**CARD_FORM, "number": number})[0] == 303
    details = adapter.finish_setup(reference=hosted.reference)
    assert details is not None
    return details


def test_the_registry_gives_the_test_gateway(gateway_server):
    assert isinstance(current_gateway(), TestGateway)
    assert current_gateway().name == "test"


def test_a_customer_is_made_once_per_idempotency_key(adapter, gateway_server):
    first = adapter.create_customer(party=ADA, idempotency_key="cv-customer-1")
    again = adapter.create_customer(party=ADA, idempotency_key="cv-customer-1")
    assert first == again
    assert first.startswith("cus_")
    stored = gateway_server.store.one("SELECT name, address FROM customers")
    assert stored["name"] == "Ada Lovelace"
    assert json.loads(stored["address"])["city"] == "London"


def test_a_card_is_read_once_the_payer_completed_the_hosted_form(adapter):
    customer = adapter.create_customer(party=ADA, idempotency_key="c-1")
    hosted = adapter.start_setup(
        customer_ref=customer,
        kind="card",
        return_url="http://shop.test/back",
        cancel_url="http://shop.test/cancel",
    )
    assert adapter.finish_setup(reference=hosted.reference) is None
    post_form(hosted.url, CARD_FORM)
    details = adapter.finish_setup(reference=hosted.reference)
    assert details is not None
    assert (details.kind, details.brand, details.last4) == ("card", "visa", "4242")
    assert (details.exp_month, details.exp_year) == (12, 2040)
    assert details.holder_name == "Ada Lovelace"
    assert details.token.startswith("pm_")


def test_a_bank_account_comes_back_as_a_token(adapter):
    customer = adapter.create_customer(party=ADA, idempotency_key="c-2")
    details = adapter.attach_bank_account(
        customer_ref=customer,
        iban="DE89370400440532013000",
        holder_name="Ada Lovelace",
        idempotency_key="iban-1",
    )
    assert (details.kind, details.last4) == ("sepa", "3000")


def test_charges_succeed_decline_and_replay_by_their_key(adapter):
    customer = adapter.create_customer(party=ADA, idempotency_key="c-3")
    good, bad = a_card(adapter, customer), a_card(adapter, customer, "4000000000009995")

    def charge(token, key, amount=1200):
        return adapter.charge(
            customer_ref=customer,
            token=token,
            amount=amount,
            currency="EUR",
            idempotency_key=key,
            description="INV-1",
        )

    paid = charge(good.token, "pay-1")
    assert paid.succeeded
    assert charge(good.token, "pay-1") == paid
    declined = charge(bad.token, "pay-2")
    assert not declined.succeeded
    assert declined.failure_code == "insufficient_funds"
    assert declined.reference.startswith("ch_")
    with pytest.raises(GatewayRefused, match="idempotency_key_reused"):
        charge(good.token, "pay-1", amount=1300)


def test_a_charge_that_outlasts_the_timeout_is_a_gateway_error_and_its_retry_tells(
    adapter, settings
):
    settings.PAYMENT_GATEWAY_TIMEOUT = 0.5
    customer = adapter.create_customer(party=ADA, idempotency_key="c-4")
    slow = a_card(adapter, customer, cards.HANGING_CARD)
    arguments = {
        "customer_ref": customer,
        "token": slow.token,
        "amount": 500,
        "currency": "EUR",
        "idempotency_key": "pay-slow",
        "description": "INV-2",
    }
    with pytest.raises(GatewayError):
        adapter.charge(**arguments)
    retried = adapter.charge(**arguments)
    assert retried.succeeded
    assert retried.reference.startswith("ch_")


def test_an_unreachable_gateway_is_a_gateway_error(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.TEST_GATEWAY_URL = f"http://127.0.0.1:{port}"
    with pytest.raises(GatewayError, match="did not answer"):
        TestGateway().create_customer(party=ADA, idempotency_key="c-5")


def test_a_wrong_secret_is_a_refusal(adapter, settings):
    settings.TEST_GATEWAY_SECRET = "not-the-secret"
    with pytest.raises(GatewayRefused, match="unauthorized"):
        adapter.create_customer(party=ADA, idempotency_key="c-6")


def test_refunds_are_partial_and_never_above_the_charge(adapter):
    customer = adapter.create_customer(party=ADA, idempotency_key="c-7")
    card = a_card(adapter, customer)
    paid = adapter.charge(
        customer_ref=customer,
        token=card.token,
        amount=1000,
        currency="EUR",
        idempotency_key="pay-r",
        description="INV-3",
    )
    first = adapter.refund(charge_ref=paid.reference, amount=700, idempotency_key="ref-1")
    assert first.succeeded
    assert adapter.refund(charge_ref=paid.reference, amount=700, idempotency_key="ref-1") == first
    over = adapter.refund(charge_ref=paid.reference, amount=301, idempotency_key="ref-2")
    assert not over.succeeded
    assert "larger" in over.failure_message
    with pytest.raises(GatewayRefused):
        adapter.refund(charge_ref="ch_nobody", amount=1, idempotency_key="ref-3")


def test_a_detached_method_cannot_be_charged_and_an_unknown_one_is_refused(adapter):
    customer = adapter.create_customer(party=ADA, idempotency_key="c-8")
    card = a_card(adapter, customer)
    adapter.detach_method(token=card.token)
    with pytest.raises(GatewayRefused, match="payment_method_unusable"):
        adapter.charge(
            customer_ref=customer,
            token=card.token,
            amount=100,
            currency="EUR",
            idempotency_key="pay-d",
            description="INV-4",
        )
    with pytest.raises(GatewayRefused, match="resource_missing"):
        adapter.detach_method(token="pm_nobody")


# --- webhooks ---


def test_a_delivered_webhook_parses_into_its_event(settings, webhook_receiver):
    with running_gateway(webhook_url=webhook_receiver.url) as gateway:
        settings.TEST_GATEWAY_URL = gateway.url
        adapter = TestGateway()
        customer = adapter.create_customer(party=ADA, idempotency_key="c-9")
        card = a_card(adapter, customer, "4000000000000002")
        declined = adapter.charge(
            customer_ref=customer,
            token=card.token,
            amount=990,
            currency="EUR",
            idempotency_key="pay-w",
            description="INV-5",
        )
        [delivery] = webhook_receiver.wait_for(1)
    event = adapter.parse_webhook(body=delivery.body, headers=delivery.headers)
    assert event.kind == "charge.failed"
    assert event.reference == declined.reference
    assert (event.amount, event.currency, event.failure_code) == (990, "EUR", "card_declined")
    assert event.idempotency_key == "pay-w"  # matches the attempt even if its call timed out
    assert event.id.startswith("evt_")


def signed(body: bytes, *, secret: str = "whsec_clientvault_test", at: int | None = None):
    return {SIGNATURE_HEADER.lower(): sign(secret, body, at)}


EVENT = json.dumps(
    {
        "id": "evt_1",
        "type": "refund.succeeded",
        "data": {"charge": "ch_1", "refund": "re_1", "amount": 5, "currency": "EUR"},
    }
).encode()


def test_a_refund_event_names_the_refund():
    event = TestGateway().parse_webhook(body=EVENT, headers=signed(EVENT))
    assert (event.kind, event.reference, event.amount) == ("refund.succeeded", "re_1", 5)


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        ({}, "no signature"),
        (signed(EVENT, secret="forged"), "does not match"),
        (signed(EVENT + b" "), "does not match"),
        ({SIGNATURE_HEADER: "v1=abc"}, "malformed"),
    ],
)
def test_a_forged_tampered_or_malformed_webhook_is_rejected(headers, problem):
    with pytest.raises(WebhookRejected, match=problem):
        TestGateway().parse_webhook(body=EVENT, headers=headers)


def test_an_old_signature_is_rejected_even_when_it_is_right():
    headers = {SIGNATURE_HEADER: sign("whsec_clientvault_test", EVENT, int(time.time()) - 301)}
    with pytest.raises(WebhookRejected, match="too old"):
        TestGateway().parse_webhook(body=EVENT, headers=headers)


def test_a_signed_body_that_is_not_an_event_is_rejected():
    body = b'{"nothing": true}'
    with pytest.raises(WebhookRejected, match="not an event"):
        TestGateway().parse_webhook(body=body, headers=signed(body))


def test_a_timed_out_charge_is_still_told_by_its_webhook(settings, webhook_receiver):
    settings.PAYMENT_GATEWAY_TIMEOUT = 0.5
    with running_gateway(webhook_url=webhook_receiver.url) as gateway:
        settings.TEST_GATEWAY_URL = gateway.url
        adapter = TestGateway()
        customer = adapter.create_customer(party=ADA, idempotency_key="c-10")
        slow = a_card(adapter, customer, cards.HANGING_CARD)
        with pytest.raises(GatewayError):
            adapter.charge(
                customer_ref=customer,
                token=slow.token,
                amount=700,
                currency="EUR",
                idempotency_key="pay-late",
                description="INV-6",
            )
        [delivery] = webhook_receiver.wait_for(1)
    event = adapter.parse_webhook(body=delivery.body, headers=delivery.headers)
    assert (event.kind, event.idempotency_key, event.amount) == (
        "charge.succeeded",
        "pay-late",
        700,
    )
    assert event.reference.startswith("ch_")
