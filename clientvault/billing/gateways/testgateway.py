"""The adapter for the offline test gateway (:mod:`clientvault.testgateway`), over HTTP.

It talks to the gateway as to any provider: JSON at ``settings.TEST_GATEWAY_URL`` with the
shared secret (``settings.TEST_GATEWAY_SECRET``) as its bearer key, each call bounded by
``settings.PAYMENT_GATEWAY_TIMEOUT``. No answer in time, no connection, or a 5xx is a
:class:`GatewayError` (the outcome is unknown: retry with the same idempotency key); any other
refusal is :class:`GatewayRefused` with the gateway's code and sentence (which never repeat
what was sent). A declined charge is a :class:`ChargeResult`, not an error.

Webhooks are checked as Stripe's are: ``Testgateway-Signature: t=<unix time>,v1=<hex>``, an
HMAC-SHA256 of ``"<t>.<body>"`` under the shared secret, no older (or newer) than five minutes.

Nothing here logs a body, a token or an address: only which call failed and how.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any, Literal

from django.conf import settings

from clientvault.billing.gateways.base import (
    ChargeResult,
    EventKind,
    GatewayError,
    GatewayEvent,
    GatewayRefused,
    HostedSetup,
    MethodDetails,
    Party,
    RefundResult,
    WebhookRejected,
)

SIGNATURE_HEADER = "Testgateway-Signature"
WEBHOOK_TOLERANCE = 300  # seconds either side of now
EVENT_KINDS: dict[str, EventKind] = {
    "charge.succeeded": "charge.succeeded",
    "charge.failed": "charge.failed",
    "refund.succeeded": "refund.succeeded",
}
REFUND_REFUSALS = {"amount_too_large", "charge_not_refundable"}
METHOD_KINDS: dict[str, Literal["card", "sepa", "wallet"]] = {
    "card": "card",
    "sepa": "sepa",
    "wallet": "wallet",
}

logger = logging.getLogger("clientvault.billing.gateways")
JSON = dict[str, Any]


class TestGateway:
    """The :class:`~clientvault.billing.gateways.base.Gateway` of the local test gateway."""

    __test__ = False  # not a test class, whatever pytest thinks of its name
    name = "test"

    # --- HTTP ---

    def _call(
        self, what: str, method: str, path: str, body: JSON | None = None, key: str = ""
    ) -> tuple[int, JSON]:
        """(status, JSON) of a 2xx or 4xx answer; GatewayError for anything that is not one."""
        headers = {
            "Authorization": f"Bearer {settings.TEST_GATEWAY_SECRET}",
            "Accept": "application/json",
        }
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if key:
            headers["Idempotency-Key"] = key
        url = f"{settings.TEST_GATEWAY_URL}{path}"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(  # noqa: S310  (the configured gateway)
                request, timeout=settings.PAYMENT_GATEWAY_TIMEOUT
            ) as answer:
                status, raw = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        except (TimeoutError, urllib.error.URLError, http.client.HTTPException, OSError) as error:
            logger.warning("test gateway: %s: no answer (%s)", what, type(error).__name__)
            raise GatewayError(
                f"the payment gateway did not answer ({what}): try again later"
            ) from None
        if status >= 500:
            logger.warning("test gateway: %s: answered %s", what, status)
            raise GatewayError(f"the payment gateway failed ({what}, {status}): try again later")
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            raise GatewayError(f"the payment gateway's answer is unreadable ({what})") from None
        if not isinstance(parsed, dict):
            raise GatewayError(f"the payment gateway's answer is unreadable ({what})")
        return status, parsed

    def _ok(
        self, what: str, method: str, path: str, body: JSON | None = None, key: str = ""
    ) -> JSON:
        status, answer = self._call(what, method, path, body, key)
        if status >= 300:
            raise self._refused(what, status, answer)
        return answer

    @staticmethod
    def _refused(what: str, status: int, answer: JSON) -> GatewayRefused:
        error = answer.get("error") if isinstance(answer.get("error"), dict) else {}
        assert isinstance(error, dict)
        code = str(error.get("code") or status)
        message = str(error.get("message") or "no reason given")
        logger.info("test gateway: %s: refused (%s)", what, code)
        return GatewayRefused(f"the payment gateway refused {what}: {message} ({code})")

    # --- the Gateway protocol ---

    def create_customer(self, *, party: Party, idempotency_key: str) -> str:
        body = {
            "name": party.name,
            "address_line1": party.address_line1,
            "address_line2": party.address_line2,
            "city": party.city,
            "postal_code": party.postal_code,
            "country": party.country,
        }
        answer = self._ok("the new customer", "POST", "/v1/customers", body, idempotency_key)
        return str(answer["id"])

    def start_setup(
        self, *, customer_ref: str, kind: str, return_url: str, cancel_url: str
    ) -> HostedSetup:
        body = {
            "customer": customer_ref,
            "kind": kind,
            "return_url": return_url,
            "cancel_url": cancel_url,
        }
        answer = self._ok("the setup session", "POST", "/v1/setup_sessions", body)
        return HostedSetup(reference=str(answer["id"]), url=str(answer["url"]))

    def finish_setup(self, *, reference: str) -> MethodDetails | None:
        path = f"/v1/setup_sessions/{urllib.parse.quote(reference, safe='')}"
        answer = self._ok("the setup session", "GET", path)
        method = answer.get("payment_method")
        if answer.get("status") != "complete" or not isinstance(method, dict):
            return None
        return _details(method)

    def attach_bank_account(
        self, *, customer_ref: str, iban: str, holder_name: str, idempotency_key: str
    ) -> MethodDetails:
        path = f"/v1/customers/{urllib.parse.quote(customer_ref, safe='')}/bank_accounts"
        body = {"iban": iban, "holder_name": holder_name}
        return _details(self._ok("the bank account", "POST", path, body, idempotency_key))

    def detach_method(self, *, token: str) -> None:
        path = f"/v1/payment_methods/{urllib.parse.quote(token, safe='')}/detach"
        self._ok("removing the payment method", "POST", path, {})

    def charge(
        self,
        *,
        customer_ref: str,
        token: str,
        amount: int,
        currency: str,
        idempotency_key: str,
        description: str,
    ) -> ChargeResult:
        body = {
            "customer": customer_ref,
            "payment_method": token,
            "amount": amount,
            "currency": currency,
            "description": description,
        }
        status, answer = self._call("the charge", "POST", "/v1/charges", body, idempotency_key)
        if status == 200:
            return ChargeResult(reference=str(answer["id"]), succeeded=True)
        charge = answer.get("charge")
        if status == 402 and isinstance(charge, dict):
            return ChargeResult(
                reference=str(charge["id"]),
                succeeded=False,
                failure_code=str(charge.get("failure_code") or "card_declined"),
                failure_message=str(charge.get("failure_message") or ""),
            )
        raise self._refused("the charge", status, answer)

    def refund(self, *, charge_ref: str, amount: int, idempotency_key: str) -> RefundResult:
        body = {"charge": charge_ref, "amount": amount}
        status, answer = self._call("the refund", "POST", "/v1/refunds", body, idempotency_key)
        if status == 200:
            return RefundResult(reference=str(answer["id"]), succeeded=True)
        error = answer.get("error")
        if status == 400 and isinstance(error, dict) and error.get("code") in REFUND_REFUSALS:
            return RefundResult(
                reference="", succeeded=False, failure_message=str(error.get("message") or "")
            )
        raise self._refused("the refund", status, answer)

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> GatewayEvent:
        header = _header(headers, SIGNATURE_HEADER)
        if not header:
            raise WebhookRejected("the webhook has no signature")
        timestamp, signatures = _parse_signature(header)
        signed = f"{timestamp}.".encode() + body
        expected = hmac.new(
            settings.TEST_GATEWAY_SECRET.encode(), signed, hashlib.sha256
        ).hexdigest()
        if not any(hmac.compare_digest(expected, given) for given in signatures):
            raise WebhookRejected("the webhook's signature does not match")
        if abs(time.time() - timestamp) > WEBHOOK_TOLERANCE:
            raise WebhookRejected("the webhook's signature is too old (or from the future)")
        return _event(body)


def _details(method: JSON) -> MethodDetails:
    kind = METHOD_KINDS.get(str(method.get("kind")))
    if kind is None or not method.get("token"):
        raise GatewayError("the payment gateway described the method in a way not understood")
    return MethodDetails(
        token=str(method["token"]),
        kind=kind,
        brand=str(method.get("brand") or ""),
        last4=str(method.get("last4") or ""),
        exp_month=_whole(method.get("exp_month")),
        exp_year=_whole(method.get("exp_year")),
        holder_name=str(method.get("holder_name") or ""),
        billing_address=str(method.get("billing_address") or ""),
    )


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _header(headers: Mapping[str, str], name: str) -> str:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return ""


def _parse_signature(header: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    signatures = []
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise WebhookRejected("the webhook's signature header is malformed")
    return timestamp, signatures


def _event(body: bytes) -> GatewayEvent:
    try:
        event = json.loads(body)
        data = event["data"]
        event_id = str(event["id"])
        kind = EVENT_KINDS.get(str(event["type"]), "other")
        reference = data.get("refund") if kind == "refund.succeeded" else data.get("charge")
        amount = data.get("amount") or 0
        if not event_id or not isinstance(amount, int) or isinstance(amount, bool):
            raise ValueError("no id, or an amount that is not whole")
        return GatewayEvent(
            id=event_id,
            kind=kind,
            reference=str(reference or ""),
            amount=amount,
            currency=str(data.get("currency") or ""),
            failure_code=str(data.get("failure_code") or ""),
            idempotency_key=str(data.get("idempotency_key") or ""),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        raise WebhookRejected("the webhook's body is not an event") from None
