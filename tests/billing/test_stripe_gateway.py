"""The Stripe adapter against a real local HTTP server answering as Stripe's API does.

What is sent is read off the wire (tests/billing/fake_stripe.py records every request): the
payer's name and address only, amounts in minor units, the idempotency key as Stripe's
``Idempotency-Key`` header. Webhooks are signed here exactly as Stripe signs them:
``Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the secret>``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import socket
import subprocess
import sys
import time

import pytest

from clientvault.billing.gateways.base import (
    ChargeResult,
    GatewayError,
    GatewayEvent,
    GatewayRefused,
    HostedSetup,
    MethodDetails,
    Party,
    RefundResult,
    WebhookRejected,
)
from clientvault.billing.gateways.registry import gateway_named
from clientvault.billing.gateways.stripe import StripeGateway
from tests.billing.fake_stripe import (
    CARD_METHOD,
    CUSTOMER,
    SECRET_KEY,
    WEBHOOK_SECRET,
    FakeStripe,
    card_method,
    fake_stripe,
    stripe_error,
)

__all__ = ["fake_stripe"]  # the fixture, used by name

ADA = Party(
    name="Ada Lovelace",
    address_line1="12 Marylebone Road",
    city="London",
    postal_code="NW1 5LR",
    country="GB",
)
IBAN = "DE89370400440532013000"


def test_the_registry_names_it():
    assert isinstance(gateway_named("stripe"), StripeGateway)
    assert StripeGateway.name == "stripe"


def test_a_customer_gets_the_name_and_address_and_nothing_else(fake_stripe: FakeStripe):
    reference = StripeGateway().create_customer(party=ADA, idempotency_key="customer-1")
    assert reference == CUSTOMER
    sent = fake_stripe.last("POST", "/v1/customers")
    assert sent.form == {
        "name": "Ada Lovelace",
        "address[line1]": "12 Marylebone Road",
        "address[city]": "London",
        "address[postal_code]": "NW1 5LR",
        "address[country]": "GB",
    }
    assert not any(key.startswith(("email", "phone", "metadata")) for key in sent.form)
    assert sent.idempotency_key == "customer-1"
    assert sent.authorization == f"Bearer {SECRET_KEY}"
    assert sent.stripe_version  # the API version the package is written for


def test_a_party_without_an_address_sends_none(fake_stripe: FakeStripe):
    StripeGateway().create_customer(party=Party(name="Ada Lovelace"), idempotency_key="c-2")
    assert fake_stripe.last("POST", "/v1/customers").form == {"name": "Ada Lovelace"}


@pytest.mark.parametrize(
    ("kind", "stripe_type"), [("card", "card"), ("sepa", "sepa_debit"), ("wallet", "paypal")]
)
def test_the_hosted_form_is_a_checkout_session_in_setup_mode(
    fake_stripe: FakeStripe, kind: str, stripe_type: str
):
    setup = StripeGateway().start_setup(
        customer_ref=CUSTOMER,
        kind=kind,
        return_url="https://hosting.example.com/account/billing/methods/return/abc",
        cancel_url="https://hosting.example.com/account/billing/methods",
    )
    sent = fake_stripe.last("POST", "/v1/checkout/sessions")
    assert sent.form == {
        "mode": "setup",
        "customer": CUSTOMER,
        "allowed_payment_method_types[0]": stripe_type,
        "success_url": "https://hosting.example.com/account/billing/methods/return/abc",
        "cancel_url": "https://hosting.example.com/account/billing/methods",
    }
    assert isinstance(setup, HostedSetup)
    assert setup.reference.startswith("cs_test_")
    assert setup.url.startswith(f"https://checkout.stripe.com/c/pay/{setup.reference}")


def test_an_unknown_kind_of_method_has_no_hosted_form(fake_stripe: FakeStripe):
    with pytest.raises(ValueError, match="kind 'cheque'"):
        StripeGateway().start_setup(
            customer_ref=CUSTOMER, kind="cheque", return_url="/", cancel_url="/"
        )
    assert not fake_stripe.received


def test_a_completed_form_gives_the_token_and_what_identifies_the_card(fake_stripe: FakeStripe):
    method = StripeGateway().finish_setup(reference="cs_test_a1")
    assert method == MethodDetails(
        token=CARD_METHOD,
        kind="card",
        brand="visa",
        last4="4242",
        exp_month=8,
        exp_year=2031,
        holder_name="Ada Lovelace",
        billing_address="12 Marylebone Road\nNW1 5LR London\nGB",
    )
    sent = fake_stripe.last("GET", "/v1/checkout/sessions/cs_test_a1")
    assert sent.query == {"expand[0]": "setup_intent.payment_method"}


def test_a_form_not_completed_yet_gives_nothing(fake_stripe: FakeStripe):
    fake_stripe.session_status = "open"
    assert StripeGateway().finish_setup(reference="cs_test_a1") is None


def test_an_expired_form_is_refused(fake_stripe: FakeStripe):
    fake_stripe.session_status = "expired"
    with pytest.raises(GatewayRefused, match="expired"):
        StripeGateway().finish_setup(reference="cs_test_a1")


def test_a_bank_account_is_a_sepa_method_attached_to_the_customer(fake_stripe: FakeStripe):
    method = StripeGateway().attach_bank_account(
        customer_ref=CUSTOMER, iban=IBAN, holder_name="Ada Lovelace", idempotency_key="sepa-1"
    )
    created = fake_stripe.last("POST", "/v1/payment_methods")
    assert created.form == {
        "type": "sepa_debit",
        "sepa_debit[iban]": IBAN,
        "billing_details[name]": "Ada Lovelace",
    }
    assert created.idempotency_key == "sepa-1"
    attached = fake_stripe.last("POST", f"/v1/payment_methods/{method.token}/attach")
    assert attached.form == {"customer": CUSTOMER}
    assert attached.idempotency_key == "sepa-1-attach"
    assert (method.kind, method.last4, method.brand) == ("sepa", "3000", "")
    assert method.token.startswith("pm_")
    assert method.holder_name == "Ada Lovelace"
    assert IBAN not in repr(method)


def test_a_method_is_detached(fake_stripe: FakeStripe):
    StripeGateway().detach_method(token=CARD_METHOD)
    assert fake_stripe.requests_to("POST", f"/v1/payment_methods/{CARD_METHOD}/detach")


def charge(key: str = "pay-7-1", amount: int = 1234) -> ChargeResult:
    return StripeGateway().charge(
        customer_ref=CUSTOMER,
        token=CARD_METHOD,
        amount=amount,
        currency="EUR",
        idempotency_key=key,
        description="Invoice 2026-000042",
    )


def test_a_charge_is_a_payment_intent_confirmed_off_session(fake_stripe: FakeStripe):
    result = charge()
    sent = fake_stripe.last("POST", "/v1/payment_intents")
    assert sent.form == {
        "amount": "1234",  # minor units: EUR 12.34
        "currency": "eur",
        "customer": CUSTOMER,
        "payment_method": CARD_METHOD,
        "allowed_payment_method_types[0]": "card",
        "confirm": "true",
        "off_session": "true",
        "description": "Invoice 2026-000042",
        "metadata[idempotency_key]": "pay-7-1",
    }
    assert sent.idempotency_key == "pay-7-1"
    assert (result.succeeded, result.pending) == (True, False)
    assert result.reference.startswith("pi_3")


def test_a_retry_with_the_same_key_gets_the_first_answer(fake_stripe: FakeStripe):
    first, again = charge(key="pay-7-1"), charge(key="pay-7-1")
    assert first == again
    keys = [r.idempotency_key for r in fake_stripe.requests_to("POST", "/v1/payment_intents")]
    assert keys == ["pay-7-1", "pay-7-1"]
    assert charge(key="pay-7-2").reference != first.reference


def decline(code: str, decline_code: str | None, message: str) -> dict:
    intent = {
        "id": "pi_3Declined",
        "object": "payment_intent",
        "amount": 1234,
        "currency": "eur",
        "status": "requires_payment_method",
        "last_payment_error": {"type": "card_error", "code": code, "decline_code": decline_code},
    }
    extra = {"decline_code": decline_code} if decline_code else {}
    return stripe_error(
        "card_error",
        code,
        message,
        charge="ch_3Declined",
        payment_intent=intent,
        payment_method=card_method(),
        doc_url=f"https://docs.stripe.com/error-codes/{code.replace('_', '-')}",
        **extra,
    )


@pytest.mark.parametrize(
    ("code", "decline_code", "expected"),
    [
        ("card_declined", "insufficient_funds", "insufficient_funds"),
        ("card_declined", "generic_decline", "generic_decline"),
        ("expired_card", None, "expired_card"),
        ("authentication_required", "authentication_required", "authentication_required"),
    ],
)
def test_a_decline_is_an_answer_with_the_decline_code(
    fake_stripe: FakeStripe, code: str, decline_code: str | None, expected: str
):
    fake_stripe.answer(
        "POST", "/v1/payment_intents", 402, decline(code, decline_code, "Your card was declined.")
    )
    result = charge()
    assert result == ChargeResult(
        reference="pi_3Declined",
        succeeded=False,
        failure_code=expected,
        failure_message="Your card was declined.",
    )


def test_a_debit_still_processing_is_pending(fake_stripe: FakeStripe):
    fake_stripe.intent_status = "processing"
    result = charge()
    assert (result.succeeded, result.pending) == (False, True)
    assert result.reference.startswith("pi_3")


def test_a_payment_needing_the_payer_is_not_a_success(fake_stripe: FakeStripe):
    fake_stripe.intent_status = "requires_action"
    result = charge()
    assert (result.succeeded, result.pending) == (False, False)
    assert result.failure_code == "authentication_required"


def test_no_answer_in_time_is_a_gateway_error(fake_stripe: FakeStripe, settings):
    settings.PAYMENT_GATEWAY_TIMEOUT = 0.3
    fake_stripe.delay = 1.5
    started = time.monotonic()
    with pytest.raises(GatewayError, match="in time"):
        StripeGateway().create_customer(party=ADA, idempotency_key="slow-1")
    assert time.monotonic() - started < 1.4  # no automatic retry
    assert len(fake_stripe.received) == 1


def test_a_gateway_nobody_answers_at_is_a_gateway_error(settings):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.STRIPE_API_BASE, settings.STRIPE_SECRET_KEY = f"http://127.0.0.1:{port}", SECRET_KEY
    with pytest.raises(GatewayError):
        charge()


@pytest.mark.parametrize("status", [500, 502, 503, 409, 429])
def test_server_errors_conflicts_and_rate_limits_are_gateway_errors(
    fake_stripe: FakeStripe, status: int
):
    body = stripe_error("api_error", "", "An unknown error occurred")
    fake_stripe.answer("POST", "/v1/payment_intents", status, body)
    with pytest.raises(GatewayError):
        charge()


@pytest.mark.parametrize(
    ("status", "kind", "code"),
    [
        (400, "invalid_request_error", "amount_too_small"),
        (400, "idempotency_error", ""),
        (401, "invalid_request_error", ""),
        (403, "invalid_request_error", "secret_key_required"),
        (404, "invalid_request_error", "resource_missing"),
    ],
)
def test_a_refused_request_is_gateway_refused(
    fake_stripe: FakeStripe, status: int, kind: str, code: str
):
    fake_stripe.answer("POST", "/v1/refunds", status, stripe_error(kind, code, "Refused."))
    with pytest.raises(GatewayRefused, match=f"HTTP {status}"):
        StripeGateway().refund(charge_ref="pi_3Test0001", amount=100, idempotency_key="r-1")


def test_a_refusal_quotes_no_value_of_the_request(fake_stripe: FakeStripe, caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(GatewayRefused) as refused:
        StripeGateway().detach_method(token="pm_1SecretToken")
    assert "resource_missing" in str(refused.value)
    assert "pm_1SecretToken" not in str(refused.value)
    assert refused.value.__suppress_context__  # Stripe's error, which quotes it, is not chained
    assert "pm_1SecretToken" not in caplog.text


def test_a_refund_is_made_against_the_payment_intent(fake_stripe: FakeStripe):
    result = StripeGateway().refund(charge_ref="pi_3Test0001", amount=500, idempotency_key="r-9")
    sent = fake_stripe.last("POST", "/v1/refunds")
    assert sent.form == {"payment_intent": "pi_3Test0001", "amount": "500"}
    assert sent.idempotency_key == "r-9"
    assert result.succeeded
    assert result.reference.startswith("re_3")


def test_a_pending_refund_is_accepted_and_a_failed_one_is_not(fake_stripe: FakeStripe):
    fake_stripe.refund_status = "pending"
    assert StripeGateway().refund(charge_ref="pi_3A", amount=5, idempotency_key="r-1").succeeded
    fake_stripe.refund_status = "failed"
    result = StripeGateway().refund(charge_ref="pi_3A", amount=5, idempotency_key="r-2")
    assert result == RefundResult(
        reference=result.reference, succeeded=False, failure_message="lost_or_stolen_card"
    )


def test_nothing_sent_or_received_is_logged(fake_stripe: FakeStripe, caplog):
    caplog.set_level(logging.DEBUG)
    gateway = StripeGateway()
    gateway.attach_bank_account(
        customer_ref=CUSTOMER, iban=IBAN, holder_name="Ada Lovelace", idempotency_key="s-1"
    )
    gateway.finish_setup(reference="cs_test_a1")
    charge()
    for secret in (IBAN, CARD_METHOD, "Ada Lovelace", "Marylebone", SECRET_KEY):
        assert secret not in caplog.text
    assert logging.getLogger("stripe").getEffectiveLevel() >= logging.WARNING


# Webhooks ------------------------------------------------------------------------------------


def signed(body: bytes, *, secret: str = WEBHOOK_SECRET, at: int | None = None) -> dict[str, str]:
    """The Stripe-Signature header Stripe would send with ``body``."""
    timestamp = int(time.time()) if at is None else at
    payload = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
    return {"Stripe-Signature": f"t={timestamp},v1={digest}"}


def event(kind: str, obj: dict, event_id: str = "evt_1Test0001") -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "api_version": "2026-10-28.endive",
            "created": int(time.time()),
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": "pay-7-1"},
            "type": kind,
            "data": {"object": obj},
        }
    ).encode()


def intent(status: str, error: dict | None = None) -> dict:
    return {
        "id": "pi_3Test0001",
        "object": "payment_intent",
        "metadata": {"idempotency_key": "pay-7-1"},
        "amount": 1234,
        "amount_received": 1234 if status == "succeeded" else 0,
        "currency": "eur",
        "status": status,
        "latest_charge": "ch_3Test0001",
        "last_payment_error": error,
    }


REFUNDED_CHARGE = {
    "id": "ch_3Test0001",
    "object": "charge",
    "amount": 1234,
    "amount_refunded": 500,
    "currency": "eur",
    "paid": True,
    "refunded": False,
    "payment_intent": "pi_3Test0001",
    "status": "succeeded",
}


def parse(body: bytes, headers: dict[str, str]) -> GatewayEvent:
    return StripeGateway().parse_webhook(body=body, headers=headers)


@pytest.mark.parametrize(
    ("kind", "obj", "expected"),
    [
        (
            "payment_intent.succeeded",
            intent("succeeded"),
            GatewayEvent(
                id="evt_1Test0001",
                kind="charge.succeeded",
                reference="pi_3Test0001",
                amount=1234,
                currency="EUR",
                idempotency_key="pay-7-1",
            ),
        ),
        (
            "payment_intent.payment_failed",
            intent(
                "requires_payment_method",
                {"type": "card_error", "code": "card_declined", "decline_code": "lost_card"},
            ),
            GatewayEvent(
                id="evt_1Test0001",
                kind="charge.failed",
                reference="pi_3Test0001",
                amount=1234,
                currency="EUR",
                failure_code="lost_card",
                idempotency_key="pay-7-1",
            ),
        ),
        (
            "charge.refunded",
            REFUNDED_CHARGE,
            GatewayEvent(
                id="evt_1Test0001",
                kind="refund.succeeded",
                reference="pi_3Test0001",
                amount=500,
                currency="EUR",
            ),
        ),
        (
            "customer.updated",
            {"id": CUSTOMER, "object": "customer"},
            GatewayEvent(id="evt_1Test0001", kind="other"),
        ),
    ],
)
def test_a_signed_event_is_read(fake_stripe: FakeStripe, kind, obj, expected):
    body = event(kind, obj)
    assert parse(body, signed(body)) == expected
    assert not fake_stripe.received  # verified locally, nothing asked of Stripe


def test_the_header_is_found_whatever_its_case(fake_stripe: FakeStripe):
    body = event("payment_intent.succeeded", intent("succeeded"))
    headers = {"stripe-signature": signed(body)["Stripe-Signature"]}
    assert parse(body, headers).kind == "charge.succeeded"


def test_a_header_with_several_signatures_passes_on_one_good_one(fake_stripe: FakeStripe):
    body = event("payment_intent.succeeded", intent("succeeded"))
    good = signed(body)["Stripe-Signature"]
    timestamp, v1 = good.split(",")
    headers = {"Stripe-Signature": f"{timestamp},v1={'0' * 64},{v1},v0=abc"}
    assert parse(body, headers).kind == "charge.succeeded"


def test_a_forged_signature_is_rejected(fake_stripe: FakeStripe):
    body = event("payment_intent.succeeded", intent("succeeded"))
    with pytest.raises(WebhookRejected, match="signature"):
        parse(body, signed(body, secret="whsec_someone_else"))


def test_a_body_changed_after_signing_is_rejected(fake_stripe: FakeStripe):
    body = event("payment_intent.succeeded", intent("succeeded"))
    headers = signed(body)
    with pytest.raises(WebhookRejected, match="signature"):
        parse(body.replace(b"1234", b"9999"), headers)


def test_a_replayed_event_signed_too_long_ago_is_rejected(fake_stripe: FakeStripe):
    body = event("payment_intent.succeeded", intent("succeeded"))
    with pytest.raises(WebhookRejected, match="too old"):
        parse(body, signed(body, at=int(time.time()) - 301))
    assert parse(body, signed(body, at=int(time.time()) - 240)).kind == "charge.succeeded"


@pytest.mark.parametrize(
    "header",
    [None, "", "v1=abc", "t=notanumber,v1=abc", "t=1700000000", "garbage", "t=,v1="],
)
def test_a_missing_or_malformed_header_is_rejected(fake_stripe: FakeStripe, header):
    body = event("payment_intent.succeeded", intent("succeeded"))
    headers = {} if header is None else {"Stripe-Signature": header}
    with pytest.raises(WebhookRejected):
        parse(body, headers)


@pytest.mark.parametrize(
    "body",
    [
        b"not json at all",
        b"",
        b"\xff\xfe\x00",
        b"[1, 2, 3]",
        b'{"object": "event"}',
        b'{"id": "evt_1", "object": "event", "type": "payment_intent.succeeded"}',
        b'{"id": "evt_1", "object": "event", "type": "payment_intent.succeeded", "data": 7}',
    ],
)
def test_a_signed_but_unreadable_body_is_rejected(fake_stripe: FakeStripe, body: bytes):
    with pytest.raises(WebhookRejected):
        parse(body, signed(body))


def test_without_a_webhook_secret_every_event_is_rejected(fake_stripe: FakeStripe, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    body = event("payment_intent.succeeded", intent("succeeded"))
    with pytest.raises(WebhookRejected, match="secret"):
        parse(body, signed(body, secret=""))


def test_the_stripe_package_may_not_print_requests_to_the_console(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLIENTVAULT_", "DJANGO_"))}
    env.update(CLIENTVAULT_VAR_DIR=str(tmp_path), STRIPE_LOG="debug")
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "clientvault.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "STRIPE_LOG prints Stripe's requests to the console" in result.stderr
    assert "Traceback" not in result.stderr
