"""A small real HTTP server on 127.0.0.1 that answers the Stripe API calls the adapter makes.

Its answers are shaped like Stripe's documented objects (Customer, Checkout Session, SetupIntent,
PaymentMethod, PaymentIntent, Refund, and the ``error`` object of a failed request), trimmed to
the fields that matter here. Every request is recorded as :class:`Received`: method, path, the
query and the form body decoded as Stripe's bracketed keys (``address[line1]``), and the
``Authorization``, ``Idempotency-Key`` and ``Stripe-Version`` headers.

A test steers it with :meth:`FakeStripe.answer` (a fixed status and JSON for one method and
path), ``delay`` (seconds to sleep before answering: a timeout), ``session_status`` (what a
Checkout Session reads as), ``intent_status`` (a PaymentIntent's status after confirming) and
``refund_status``. A repeated ``Idempotency-Key`` on the same path gets the first answer again,
as Stripe replays it.

``fake_stripe`` is the fixture: the server, with the settings pointing the adapter at it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

SECRET_KEY = "sk_test_clientvault_fake"
WEBHOOK_SECRET = "whsec_clientvault_fake"
CREATED = 1_767_225_600

CARD_METHOD = "pm_1Card4242Visa"
CUSTOMER = "cus_QxTestCustomer"


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    authorization: str
    idempotency_key: str
    stripe_version: str


@dataclass
class FakeStripe:
    url: str = ""
    received: list[Received] = field(default_factory=list)
    fixed: dict[tuple[str, str], tuple[int, dict[str, Any]]] = field(default_factory=dict)
    replays: dict[tuple[str, str], tuple[int, dict[str, Any]]] = field(default_factory=dict)
    delay: float = 0.0
    session_status: str = "complete"
    intent_status: str = "succeeded"
    refund_status: str = "succeeded"
    counter: int = 0

    def answer(self, method: str, path: str, status: int, body: dict[str, Any]) -> None:
        self.fixed[(method, path)] = (status, body)

    def requests_to(self, method: str, path: str) -> list[Received]:
        return [r for r in self.received if r.method == method and r.path == path]

    def last(self, method: str, path: str) -> Received:
        return self.requests_to(method, path)[-1]

    def next_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}_Test{self.counter:04d}"


def stripe_error(kind: str, code: str, message: str, **extra: Any) -> dict[str, Any]:
    """Stripe's error body: ``{"error": {"type", "code", "message", ...}}``."""
    return {"error": {"type": kind, "code": code, "message": message, **extra}}


def _address(form: dict[str, str], prefix: str) -> dict[str, str | None] | None:
    keys = ("line1", "line2", "city", "postal_code", "state", "country")
    if not any(f"{prefix}[{key}]" in form for key in keys):
        return None
    return {key: form.get(f"{prefix}[{key}]") for key in keys}


def card_method(method_id: str = CARD_METHOD, customer: str | None = CUSTOMER) -> dict[str, Any]:
    return {
        "id": method_id,
        "object": "payment_method",
        "type": "card",
        "created": CREATED,
        "customer": customer,
        "livemode": False,
        "metadata": {},
        "allow_redisplay": "unspecified",
        "billing_details": {
            "name": "Ada Lovelace",
            "email": None,
            "phone": None,
            "address": {
                "line1": "12 Marylebone Road",
                "line2": None,
                "city": "London",
                "postal_code": "NW1 5LR",
                "state": None,
                "country": "GB",
            },
        },
        "card": {
            "brand": "visa",
            "display_brand": "visa",
            "country": "US",
            "exp_month": 8,
            "exp_year": 2031,
            "fingerprint": "Xt5EWLLDS7FJjR1c",
            "funding": "credit",
            "last4": "4242",
            "networks": {"available": ["visa"], "preferred": None},
            "checks": {
                "address_line1_check": None,
                "address_postal_code_check": None,
                "cvc_check": "pass",
            },
            "wallet": None,
        },
    }


def sepa_method(method_id: str, iban: str, name: str, customer: str | None) -> dict[str, Any]:
    compact = iban.replace(" ", "")
    return {
        "id": method_id,
        "object": "payment_method",
        "type": "sepa_debit",
        "created": CREATED,
        "customer": customer,
        "livemode": False,
        "metadata": {},
        "billing_details": {"name": name, "email": None, "phone": None, "address": None},
        "sepa_debit": {
            "bank_code": compact[4:12],
            "branch_code": "",
            "country": compact[:2],
            "fingerprint": "FzUF2ZMzUBcYWcXs",
            "generated_from": {"charge": None, "setup_attempt": None},
            "last4": compact[-4:],
        },
    }


def _form(body: bytes) -> dict[str, str]:
    pairs = parse_qs(body.decode(), keep_blank_values=True)
    return {key: values[-1] for key, values in pairs.items()}


class Router:
    """Stripe's answers to the adapter's calls, from what the request holds."""

    def __init__(self, fake: FakeStripe) -> None:
        self.fake = fake
        self.methods: dict[str, dict[str, Any]] = {CARD_METHOD: card_method()}

    def __call__(self, request: Received) -> tuple[int, dict[str, Any]]:
        path, form = request.path, request.form
        parts = path.strip("/").split("/")
        if request.method == "POST" and path == "/v1/customers":
            return 200, self.customer(form)
        if request.method == "POST" and path == "/v1/checkout/sessions":
            return 200, self.session(self.fake.next_id("cs_test"), form)
        if request.method == "GET" and parts[:3] == ["v1", "checkout", "sessions"]:
            return 200, self.read_session(parts[3], request.query)
        if request.method == "POST" and path == "/v1/payment_methods":
            method_id = self.fake.next_id("pm")
            name = form.get("billing_details[name]", "")
            self.methods[method_id] = sepa_method(
                method_id, form["sepa_debit[iban]"], name, customer=None
            )
            return 200, self.methods[method_id]
        if parts[:2] == ["v1", "payment_methods"] and len(parts) >= 3:
            return self.payment_method(request.method, parts[2], parts[3:], form)
        if request.method == "POST" and path == "/v1/payment_intents":
            return 200, self.payment_intent(form)
        if request.method == "POST" and path == "/v1/refunds":
            return 200, self.refund(form)
        return 404, stripe_error(
            "invalid_request_error", "", f"Unrecognized request URL ({request.method}: {path})."
        )

    def customer(self, form: dict[str, str]) -> dict[str, Any]:
        return {
            "id": CUSTOMER,
            "object": "customer",
            "address": _address(form, "address"),
            "balance": 0,
            "created": CREATED,
            "currency": None,
            "description": None,
            "email": form.get("email"),
            "invoice_prefix": "7F1A2B3C",
            "livemode": False,
            "metadata": {},
            "name": form.get("name"),
            "phone": form.get("phone"),
            "preferred_locales": [],
            "shipping": None,
            "tax_exempt": "none",
        }

    def session(self, session_id: str, form: dict[str, str]) -> dict[str, Any]:
        return {
            "id": session_id,
            "object": "checkout.session",
            "mode": form.get("mode", "setup"),
            "status": "open",
            "customer": form.get("customer"),
            "success_url": form.get("success_url"),
            "cancel_url": form.get("cancel_url"),
            "payment_method_types": [form.get("allowed_payment_method_types[0]", "card")],
            "setup_intent": "seti_1Test0001",
            "payment_intent": None,
            "livemode": False,
            "created": CREATED,
            "expires_at": CREATED + 86400,
            "url": f"https://checkout.stripe.com/c/pay/{session_id}#fidkdWxOYHwnPyd1blpxYHZxWjA0",
        }

    def read_session(self, session_id: str, query: dict[str, str]) -> dict[str, Any]:
        session = self.session(session_id, {"customer": CUSTOMER})
        session["status"] = self.fake.session_status
        if self.fake.session_status == "complete":
            method: Any = CARD_METHOD
            if "setup_intent.payment_method" in query.values():
                method = self.methods[CARD_METHOD]
            session["setup_intent"] = {
                "id": "seti_1Test0001",
                "object": "setup_intent",
                "status": "succeeded",
                "customer": CUSTOMER,
                "usage": "off_session",
                "payment_method": method,
            }
        return session

    def payment_method(
        self, method: str, method_id: str, action: list[str], form: dict[str, str]
    ) -> tuple[int, dict[str, Any]]:
        found = self.methods.get(method_id)
        if found is None:
            message = f"No such PaymentMethod: '{method_id}'"
            return 404, stripe_error(
                "invalid_request_error", "resource_missing", message, param="payment_method"
            )
        if method == "POST" and action == ["attach"]:
            found["customer"] = form["customer"]
        elif method == "POST" and action == ["detach"]:
            found["customer"] = None
        return 200, found

    def payment_intent(self, form: dict[str, str]) -> dict[str, Any]:
        amount, status = int(form["amount"]), self.fake.intent_status
        return {
            "id": self.fake.next_id("pi_3"),
            "object": "payment_intent",
            "amount": amount,
            "amount_received": amount if status == "succeeded" else 0,
            "currency": form["currency"],
            "customer": form.get("customer"),
            "description": form.get("description"),
            "payment_method": form.get("payment_method"),
            "payment_method_types": [form.get("allowed_payment_method_types[0]", "card")],
            "status": status,
            "latest_charge": "ch_3Test0001",
            "last_payment_error": None,
            "livemode": False,
            "created": CREATED,
            "metadata": {
                key[len("metadata[") : -1]: value
                for key, value in form.items()
                if key.startswith("metadata[")
            },
        }

    def refund(self, form: dict[str, str]) -> dict[str, Any]:
        status = self.fake.refund_status
        return {
            "id": self.fake.next_id("re_3"),
            "object": "refund",
            "amount": int(form["amount"]),
            "charge": "ch_3Test0001",
            "currency": "eur",
            "payment_intent": form.get("payment_intent"),
            "reason": None,
            "status": status,
            "failure_reason": "lost_or_stolen_card" if status == "failed" else None,
            "created": CREATED,
        }


def _handler(fake: FakeStripe) -> type[BaseHTTPRequestHandler]:
    route = Router(fake)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            request = Received(
                method=self.command,
                path=parts.path,
                query=_form(parts.query.encode()),
                form=_form(body),
                authorization=self.headers.get("Authorization", ""),
                idempotency_key=self.headers.get("Idempotency-Key", ""),
                stripe_version=self.headers.get("Stripe-Version", ""),
            )
            fake.received.append(request)
            if fake.delay:
                time.sleep(fake.delay)
            status, answer = self._answer(request)
            data = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_{fake.counter:06d}")
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up waiting (a timeout test)
                pass

        do_POST = do_DELETE = do_GET

        def _answer(self, request: Received) -> tuple[int, dict[str, Any]]:
            key = (request.path, request.idempotency_key)
            if request.idempotency_key and key in fake.replays:
                return fake.replays[key]
            answer = fake.fixed.get((request.method, request.path)) or route(request)
            if request.idempotency_key:
                fake.replays[key] = answer
            return answer

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            return

    return Handler


@pytest.fixture
def fake_stripe(settings: Any) -> Iterator[FakeStripe]:
    fake = FakeStripe()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    settings.STRIPE_API_BASE = fake.url
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.PAYMENT_GATEWAY_TIMEOUT = 5
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
