"""The gateways' webhook endpoint: signed, stored once, matched to the attempt it settles."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from clientvault.billing.models import InvoiceStatus, Payment, PaymentStatus, WebhookEvent
from clientvault.billing.services.charging import open_attempt
from clientvault.testgateway.webhooks import sign
from tests.billing.charging_support import an_invoice
from tests.billing.gateway_server import SECRET
from tests.billing.methods_support import a_payment_method

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
URL = "/billing/webhooks/test"


def event(payment: Payment, kind: str = "charge.succeeded", *, event_id: str = "evt_1", **data):
    body = {
        "id": event_id,
        "type": kind,
        "created": 0,
        "data": {
            "charge": "ch_1",
            "refund": None,
            "amount": payment.amount,
            "currency": payment.currency,
            "status": "succeeded" if kind == "charge.succeeded" else "failed",
            "failure_code": data.get("failure_code"),
            "idempotency_key": payment.idempotency_key,
        },
    }
    return json.dumps(body).encode()


def post(client, body: bytes, signature: str | None = None):
    header = signature if signature is not None else sign(SECRET, body)
    return client.post(
        URL, body, content_type="application/json", HTTP_TESTGATEWAY_SIGNATURE=header
    )


@pytest.fixture
def pending(customer) -> Payment:
    method = a_payment_method(customer)
    return open_attempt(invoice=an_invoice(customer, 2500), method=method, actor=None)


def test_the_route_is_the_one_the_gateway_is_told():
    assert reverse("billing:webhook", args=["test"]) == URL


def test_a_signed_event_settles_the_attempt_its_key_names(client, pending):
    answer = post(client, event(pending))
    assert answer.status_code == 200
    assert answer.json() == {"outcome": "settled"}
    pending.refresh_from_db()
    assert pending.status == PaymentStatus.SUCCEEDED
    assert pending.reference == "ch_1"
    assert pending.invoice.status == InvoiceStatus.PAID


def test_a_failed_charge_event_records_the_decline(client, pending):
    post(client, event(pending, "charge.failed", failure_code="card_declined"))
    pending.refresh_from_db()
    assert pending.status == PaymentStatus.FAILED
    assert pending.failure_code == "card_declined"
    assert "declined" in pending.failure_message


def test_a_replayed_event_changes_nothing(client, pending):
    body = event(pending)
    post(client, body)
    answer = post(client, body)
    assert answer.json() == {"outcome": "duplicate"}
    assert WebhookEvent.objects.count() == 1
    pending.invoice.refresh_from_db()
    assert pending.invoice.amount_paid == 2500  # counted once


def test_a_forged_event_is_refused_and_nothing_is_written(client, pending):
    body = event(pending)
    forged = sign("whsec_someone_else", body)
    answer = post(client, body, forged)
    assert answer.status_code == 400
    assert "signature" in answer.json()["detail"]
    assert not WebhookEvent.objects.exists()
    pending.refresh_from_db()
    assert pending.status == PaymentStatus.PENDING


def test_an_unsigned_or_stale_event_is_refused(client, pending):
    body = event(pending)
    assert post(client, body, "").status_code == 400
    assert post(client, body, sign(SECRET, body, timestamp=1_000_000)).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_an_event_for_no_known_charge_is_kept_as_unmatched(client, customer):
    body = json.dumps(
        {
            "id": "evt_9",
            "type": "charge.succeeded",
            "created": 0,
            "data": {"charge": "ch_unknown", "amount": 100, "currency": "EUR"},
        }
    ).encode()
    assert post(client, body).json() == {"outcome": "unmatched"}


def test_an_unknown_gateway_is_not_found(client):
    assert (
        client.post("/billing/webhooks/paypal", b"{}", content_type="application/json").status_code
        == 404
    )


def test_only_post_is_allowed(client):
    assert client.get(URL).status_code == 405


def test_a_form_posted_to_the_webhook_is_refused_as_not_json(client):
    answer = client.post(URL, {"id": "evt_1"})
    assert answer.status_code == 400
    assert answer.json() == {"detail": "a webhook's body must be JSON"}
    assert not WebhookEvent.objects.exists()
