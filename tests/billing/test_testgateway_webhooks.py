# ruff: noqa: F811  (pytest fixtures imported from tests.billing.gateway_server)
"""The test gateway's webhooks: one signed event per charge and refund, retried when the
receiver fails, and never a reason for the gateway itself to stop answering."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from clientvault.testgateway.webhooks import SIGNATURE_HEADER, sign
from tests.billing.gateway_server import (  # noqa: F401
    SECRET,
    a_customer,
    a_saved_card,
    api,
    eventually,
    running_gateway,
    webhook_receiver,
)


def charge(gateway, customer, token, key, amount=1500):
    body = {"customer": customer, "payment_method": token, "amount": amount, "currency": "eur"}
    return api(gateway, "POST", "/v1/charges", body, key=key)


def parse_signature(header: str) -> tuple[int, str]:
    parts = dict(item.split("=", 1) for item in header.split(","))
    return int(parts["t"]), parts["v1"]


def test_each_charge_and_refund_sends_one_signed_event(webhook_receiver):
    with running_gateway(webhook_url=webhook_receiver.url) as gateway:
        customer = a_customer(gateway)
        good = a_saved_card(gateway, customer)
        bad = a_saved_card(gateway, customer, number="4000000000009995")
        charged = charge(gateway, customer, good, "k-1")[1]
        charge(gateway, customer, good, "k-1")  # a retry: no second event
        failed = charge(gateway, customer, bad, "k-2")[1]["charge"]
        api(gateway, "POST", "/v1/refunds", {"charge": charged["id"], "amount": 500}, key="r-1")
        received = webhook_receiver.wait_for(3)
    events = {e["type"]: e for e in webhook_receiver.events()}
    assert len(received) == 3
    assert events["charge.succeeded"]["data"] == {
        "charge": charged["id"],
        "refund": None,
        "amount": 1500,
        "currency": "EUR",
        "status": "succeeded",
        "failure_code": "",
        "idempotency_key": "k-1",
    }
    assert events["charge.failed"]["data"]["charge"] == failed["id"]
    assert events["charge.failed"]["data"]["failure_code"] == "insufficient_funds"
    assert events["refund.succeeded"]["data"]["amount"] == 500
    assert events["refund.succeeded"]["data"]["refund"].startswith("re_")
    assert events["refund.succeeded"]["data"]["idempotency_key"] == "r-1"
    assert len({e["id"] for e in events.values()}) == 3
    for delivery in received:
        when, mac = parse_signature(delivery.headers[SIGNATURE_HEADER])
        expected = hmac.new(SECRET.encode(), f"{when}.".encode() + delivery.body, hashlib.sha256)
        assert hmac.compare_digest(mac, expected.hexdigest())
        assert abs(time.time() - when) < 10


def test_the_signature_covers_the_timestamp_and_the_exact_body():
    body = b'{"id": "evt_1"}'
    header = sign("secret", body, timestamp=1_700_000_000)
    when, mac = parse_signature(header)
    assert when == 1_700_000_000
    assert mac == hmac.new(b"secret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sign("secret", body + b" ", timestamp=when) != header
    assert sign("other", body, timestamp=when) != header


def test_a_failing_receiver_is_tried_again_until_it_answers(webhook_receiver):
    webhook_receiver.status = 500
    with running_gateway(webhook_url=webhook_receiver.url) as gateway:
        customer = a_customer(gateway)
        token = a_saved_card(gateway, customer)
        charged = charge(gateway, customer, token, "k-retry")[1]
        webhook_receiver.wait_for(2)
        webhook_receiver.status = 200
        assert eventually(
            lambda: gateway.store.one("SELECT delivered FROM events")["delivered"] == 1
        )
        event = gateway.store.one("SELECT * FROM events")
    assert event["charge"] == charged["id"]
    assert event["attempts"] >= 3
    assert event["last_status"] == "200"
    bodies = {r.body for r in webhook_receiver.received}
    assert len(bodies) == 1  # every attempt carries the same event


def test_an_unreachable_receiver_never_stops_the_gateway():
    with running_gateway(webhook_url="http://127.0.0.1:9/nothing-listens") as gateway:
        customer = a_customer(gateway)
        token = a_saved_card(gateway, customer)
        for attempt in range(3):
            assert charge(gateway, customer, token, f"k-{attempt}")[0] == 200
        assert eventually(
            lambda: all(e["attempts"] == 4 for e in gateway.store.all("SELECT * FROM events"))
        )
        events = gateway.store.all("SELECT * FROM events")
        assert {e["delivered"] for e in events} == {0}
        assert api(gateway, "GET", "/health")[0] == 200


def test_events_are_listed_and_may_be_sent_again(webhook_receiver):
    with running_gateway(webhook_url=webhook_receiver.url) as gateway:
        customer = a_customer(gateway)
        token = a_saved_card(gateway, customer)
        charged = charge(gateway, customer, token, "k-list")[1]
        webhook_receiver.wait_for(1)
        status, listed, _ = api(gateway, "GET", f"/v1/events?charge={charged['id']}")
        assert status == 200
        [event] = listed["data"]
        assert event["type"] == "charge.succeeded"
        assert json.loads(event["body"])["data"]["charge"] == charged["id"]
        status, resent, _ = api(gateway, "POST", f"/v1/events/{event['id']}/resend", {})
        assert (status, resent["delivered"]) == (200, True)
        received = webhook_receiver.wait_for(2)
    assert received[0].body == received[1].body  # the same event, the same id: a replay
    assert len(received) == 2
