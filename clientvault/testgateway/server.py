"""The test gateway's HTTP server: a JSON API for the merchant and hosted pages for the payer.

Standard library only (``http.server``, ``sqlite3``): it imports neither Django nor any other part
of clientvault, and runs on its own origin, so a card number typed in its form never reaches
clientvault. ``clientvault testgateway serve`` runs it beside the site; tests start it in-process
with :func:`start`.

The API (``Authorization: Bearer <secret>``; JSON in and out)::

    POST /v1/customers                         name, address_line1/2, city, postal_code, country
    POST /v1/setup_sessions                    customer, kind (card|wallet), return_url, cancel_url
    GET  /v1/setup_sessions/<id>               status open|complete, payment_method once complete
    POST /v1/customers/<id>/bank_accounts      iban, holder_name (a SEPA mandate)
    GET  /v1/payment_methods/<token>
    POST /v1/payment_methods/<token>/detach
    POST /v1/charges                           customer, payment_method, amount, currency,
                                               description (Idempotency-Key required)
    GET  /v1/charges/<id>
    POST /v1/refunds                           charge, amount (Idempotency-Key required)
    GET  /v1/events[?charge=<id>]              webhook events and their delivery
    POST /v1/events/<id>/resend                deliver an event again, now

A POST with an ``Idempotency-Key`` header is done once: the same key with the same request
gets the first answer again (``Idempotent-Replayed: true``) and does nothing more; the same key
with a different request is refused with 409 ``idempotency_key_reused``. A declined charge is
answered 402 with the charge (``error.code`` says why); other refusals are 4xx with
``error.code`` and a message that never repeats what was sent.

The payer's pages: ``GET/POST /setup/<session id>`` (the card form, or a wallet's approval page),
which on success sends the browser on to the session's ``return_url`` (nothing comes back
through the browser but that address) and offers a link to its ``cancel_url``. The test card
numbers and what they do are in :mod:`clientvault.testgateway.cards`.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import re
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from clientvault.testgateway import cards, pages
from clientvault.testgateway.store import Store, new_id
from clientvault.testgateway.webhooks import DEFAULT_RETRY_DELAYS, Deliverer, event_body

MAX_BODY = 64 * 1024
MAX_AMOUNT = 99_999_999
MAX_TEXT = 200
DEFAULT_HANG_SECONDS = 30.0

logger = logging.getLogger("clientvault.testgateway")
JSON = dict[str, Any]


class ApiError(Exception):
    """A refusal: the HTTP status, a stable code and a sentence that repeats nothing sent."""

    def __init__(self, status: int, code: str, message: str, param: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.param = param

    def body(self) -> JSON:
        kind = "authentication_error" if self.status == 401 else "invalid_request_error"
        error: JSON = {"type": kind, "code": self.code, "message": self.message}
        if self.param:
            error["param"] = self.param
        return {"error": error}


@dataclass
class Answer:
    status: int
    body: JSON
    hang: bool = False  # answer only after the configured delay (the hanging test card)
    events: list[str] = field(default_factory=list)  # to deliver once committed


@dataclass
class Config:
    secret: str
    webhook_url: str = ""
    merchant: str = "clientvault"
    hang_seconds: float = DEFAULT_HANG_SECONDS
    retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS
    quiet: bool = False
    today: Callable[[], datetime.date] = datetime.date.today


# --- small checks ------------------------------------------------------------------------------


def _text(body: JSON, name: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = body.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ApiError(400, "parameter_invalid", f"{name} must be a string", name)
    value = value.strip()
    if required and not value:
        raise ApiError(400, "parameter_missing", f"{name} is required", name)
    if len(value) > limit:
        raise ApiError(400, "parameter_invalid", f"{name} is too long", name)
    return value


def _amount(body: JSON) -> int:
    value = body.get("amount")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_AMOUNT:
        raise ApiError(
            400,
            "parameter_invalid",
            "amount must be a positive whole number of minor units",
            "amount",
        )
    return value


def _currency(body: JSON) -> str:
    value = body.get("currency")
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{3}", value):
        raise ApiError(
            400, "parameter_invalid", "currency must be a three-letter ISO code", "currency"
        )
    return value.upper()


def _url(body: JSON, name: str) -> str:
    value = _text(body, name, limit=2000)
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", value):
        raise ApiError(400, "parameter_invalid", f"{name} must be an http or https URL", name)
    return value


def _method_view(row: JSON) -> JSON:
    """A payment method as the merchant may see it: never the number, IBAN or e-mail."""
    return {
        "id": row["token"],
        "object": "payment_method",
        "token": row["token"],
        "customer": row["customer"],
        "kind": row["kind"],
        "brand": row["brand"],
        "last4": row["last4"],
        "exp_month": row["exp_month"],
        "exp_year": row["exp_year"],
        "holder_name": row["holder_name"],
        "billing_address": row["billing_address"],
        "detached": bool(row["detached"]),
    }


def _charge_view(row: JSON) -> JSON:
    return {
        "id": row["id"],
        "object": "charge",
        "customer": row["customer"],
        "payment_method": row["method"],
        "amount": row["amount"],
        "currency": row["currency"],
        "status": row["status"],
        "failure_code": row["failure_code"],
        "failure_message": row["failure_message"],
        "amount_refunded": row["amount_refunded"],
    }


def _session_view(row: JSON, base_url: str, method: JSON | None) -> JSON:
    return {
        "id": row["id"],
        "object": "setup_session",
        "customer": row["customer"],
        "kind": row["kind"],
        "status": row["status"],
        "url": f"{base_url}/setup/{row['id']}",
        "payment_method": _method_view(method) if method else None,
    }


# --- what the gateway does -----------------------------------------------------------------------


class Gateway:
    """The provider's work on its store; each method runs inside one store transaction."""

    def __init__(self, store: Store, config: Config, deliverer: Deliverer) -> None:
        self.store = store
        self.config = config
        self.deliverer = deliverer
        self.base_url = ""

    # customers and hosted sessions

    def create_customer(self, db: Any, body: JSON) -> Answer:
        address = {
            name: _text(body, name, required=False)
            for name in ("address_line1", "address_line2", "city", "postal_code", "country")
        }
        customer_id = new_id("cus")
        db.execute(
            "INSERT INTO customers (id, name, address, created) VALUES (?,?,?,?)",
            (customer_id, _text(body, "name", required=False), json.dumps(address), time.time()),
        )
        return Answer(200, {"id": customer_id, "object": "customer"})

    def _customer(self, db: Any, customer_id: str) -> JSON:
        row = db.execute("SELECT * FROM customers WHERE id = ?", (customer_id,)).fetchone()
        if row is None:
            raise ApiError(404, "resource_missing", "no such customer", "customer")
        return dict(row)

    def create_setup_session(self, db: Any, body: JSON) -> Answer:
        customer = self._customer(db, _text(body, "customer"))
        kind = _text(body, "kind")
        if kind not in ("card", "wallet"):
            raise ApiError(400, "parameter_invalid", "kind must be card or wallet", "kind")
        return_url, cancel_url = _url(body, "return_url"), _url(body, "cancel_url")
        session_id = new_id("seti")
        db.execute(
            "INSERT INTO setup_sessions (id, customer, kind, return_url, cancel_url, status, "
            "created) VALUES (?,?,?,?,?,?,?)",
            (session_id, customer["id"], kind, return_url, cancel_url, "open", time.time()),
        )
        row = self._session(db, session_id)
        return Answer(200, _session_view(row, self.base_url, None))

    def _session(self, db: Any, session_id: str) -> JSON:
        row = db.execute("SELECT * FROM setup_sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            raise ApiError(404, "resource_missing", "no such setup session")
        return dict(row)

    def read_setup_session(self, db: Any, body: JSON, session_id: str) -> Answer:
        row = self._session(db, session_id)
        method = None
        if row["method"]:
            method = dict(
                db.execute("SELECT * FROM methods WHERE token = ?", (row["method"],)).fetchone()
            )
        return Answer(200, _session_view(row, self.base_url, method))

    # payment methods

    def _insert_method(self, db: Any, **values: Any) -> str:
        token = new_id("pm")
        row = {
            "token": token,
            "brand": "",
            "last4": "",
            "exp_month": None,
            "exp_year": None,
            "holder_name": "",
            "billing_address": "",
            "number": "",
            "email": "",
            **values,
        }
        db.execute(
            "INSERT INTO methods (token, customer, kind, brand, last4, exp_month, exp_year, "
            "holder_name, billing_address, number, email, created) "
            "VALUES (:token, :customer, :kind, :brand, :last4, :exp_month, :exp_year, "
            ":holder_name, :billing_address, :number, :email, :created)",
            {**row, "created": time.time()},
        )
        return token

    def _method(self, db: Any, token: str) -> JSON:
        row = db.execute("SELECT * FROM methods WHERE token = ?", (token,)).fetchone()
        if row is None:
            raise ApiError(404, "resource_missing", "no such payment method", "payment_method")
        return dict(row)

    def attach_bank_account(self, db: Any, body: JSON, customer_id: str) -> Answer:
        customer = self._customer(db, customer_id)
        iban = cards.digits(_text(body, "iban", limit=50)).upper()
        if not cards.iban_ok(iban):
            raise ApiError(400, "invalid_iban", "the IBAN is not a valid SEPA IBAN", "iban")
        holder = _text(body, "holder_name")
        token = self._insert_method(
            db,
            customer=customer["id"],
            kind="sepa",
            last4=iban[-4:],
            holder_name=holder,
            number=iban,
        )
        return Answer(200, _method_view(self._method(db, token)))

    def read_method(self, db: Any, body: JSON, token: str) -> Answer:
        return Answer(200, _method_view(self._method(db, token)))

    def detach_method(self, db: Any, body: JSON, token: str) -> Answer:
        self._method(db, token)
        db.execute("UPDATE methods SET detached = 1 WHERE token = ?", (token,))
        return Answer(200, _method_view(self._method(db, token)))

    # charges and refunds

    def _outcome(self, method: JSON) -> tuple[str, str, bool]:
        """(failure code, message, hang) for a charge on this method; ("", "", ...) succeeds."""
        if method["kind"] == "card":
            number = method["number"]
            if number in cards.DECLINES:
                return (*cards.DECLINES[number], False)
            if cards.expired(method["exp_month"], method["exp_year"], self.config.today()):
                return "expired_card", "The card has expired.", False
            return "", "", number == cards.HANGING_CARD
        if method["kind"] == "sepa" and method["number"] == cards.REFUSED_IBAN:
            return (*cards.IBAN_DECLINE, False)
        if method["kind"] == "wallet":
            local = str(method["email"]).rsplit("@", 1)[0]
            if local.endswith(cards.WALLET_DECLINE_SUFFIX):
                return (*cards.WALLET_DECLINE, False)
        return "", "", False

    def charge(self, db: Any, body: JSON, *, key: str) -> Answer:
        customer = self._customer(db, _text(body, "customer"))
        amount, currency = _amount(body), _currency(body)
        method = self._method(db, _text(body, "payment_method"))
        if method["customer"] != customer["id"] or method["detached"]:
            raise ApiError(
                400,
                "payment_method_unusable",
                "the payment method is detached or belongs to another customer",
                "payment_method",
            )
        code, message, hang = self._outcome(method)
        charge_id = new_id("ch")
        db.execute(
            "INSERT INTO charges (id, customer, method, amount, currency, description, status, "
            "failure_code, failure_message, created) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                charge_id,
                customer["id"],
                method["token"],
                amount,
                currency,
                _text(body, "description", required=False),
                "failed" if code else "succeeded",
                code,
                message,
                time.time(),
            ),
        )
        row = dict(db.execute("SELECT * FROM charges WHERE id = ?", (charge_id,)).fetchone())
        kind = "charge.failed" if code else "charge.succeeded"
        event = self.deliverer.record(
            db,
            event_body(event_id=new_id("evt"), kind=kind, charge=row, amount=amount, key=key),
        )
        view = _charge_view(row)
        if code:
            error = {"type": "card_error", "code": code, "message": message, "charge": charge_id}
            return Answer(402, {"error": error, "charge": view}, events=[event])
        return Answer(200, view, hang=hang, events=[event])

    def _charge_row(self, db: Any, charge_id: str) -> JSON:
        row = db.execute("SELECT * FROM charges WHERE id = ?", (charge_id,)).fetchone()
        if row is None:
            raise ApiError(404, "resource_missing", "no such charge", "charge")
        return dict(row)

    def read_charge(self, db: Any, body: JSON, charge_id: str) -> Answer:
        return Answer(200, _charge_view(self._charge_row(db, charge_id)))

    def refund(self, db: Any, body: JSON, *, key: str) -> Answer:
        charge = self._charge_row(db, _text(body, "charge"))
        amount = _amount(body)
        if charge["status"] != "succeeded":
            raise ApiError(
                400, "charge_not_refundable", "only a succeeded charge is refunded", "charge"
            )
        if amount > charge["amount"] - charge["amount_refunded"]:
            raise ApiError(
                400,
                "amount_too_large",
                "the refund is larger than what is left of the charge to refund",
                "amount",
            )
        refund_id = new_id("re")
        db.execute(
            "INSERT INTO refunds (id, charge, amount, created) VALUES (?,?,?,?)",
            (refund_id, charge["id"], amount, time.time()),
        )
        db.execute(
            "UPDATE charges SET amount_refunded = amount_refunded + ? WHERE id = ?",
            (amount, charge["id"]),
        )
        charge = self._charge_row(db, charge["id"])
        event = self.deliverer.record(
            db,
            event_body(
                event_id=new_id("evt"),
                kind="refund.succeeded",
                charge=charge,
                amount=amount,
                refund_id=refund_id,
                key=key,
            ),
        )
        view = {
            "id": refund_id,
            "object": "refund",
            "charge": charge["id"],
            "amount": amount,
            "currency": charge["currency"],
            "status": "succeeded",
            "charge_amount_refunded": charge["amount_refunded"],
        }
        return Answer(200, view, events=[event])

    # events

    def list_events(self, db: Any, query: dict[str, list[str]]) -> Answer:
        sql, params = "SELECT * FROM events", []
        if query.get("charge"):
            sql, params = sql + " WHERE charge = ?", [query["charge"][0]]
        rows = db.execute(sql + " ORDER BY created, id", params).fetchall()
        data = [
            {
                "id": r["id"],
                "type": r["type"],
                "charge": r["charge"],
                "body": r["body"],
                "attempts": r["attempts"],
                "delivered": bool(r["delivered"]),
                "last_status": r["last_status"],
            }
            for r in rows
        ]
        return Answer(200, {"object": "list", "data": data})

    # the payer's form

    def complete_card(self, db: Any, session: JSON, form: dict[str, str]) -> dict[str, str]:
        """Save the card typed in the hosted form; the errors per field, or {} when saved."""
        errors = card_errors(form, self.config.today())
        if errors:
            return errors
        number = cards.digits(form["number"])
        expiry = cards.parse_expiry(form["expiry"])
        assert expiry is not None  # checked by card_errors
        address = [
            form["address_line1"],
            form.get("address_line2", ""),
            f"{form['postal_code']} {form['city']}",
            form["country"].upper(),
        ]
        token = self._insert_method(
            db,
            customer=session["customer"],
            kind="card",
            brand=cards.brand_of(number),
            last4=number[-4:],
            exp_month=expiry[0],
            exp_year=expiry[1],
            holder_name=form["name"],
            billing_address="\n".join(line for line in address if line.strip()),
            number=number,
        )
        self._finish_session(db, session, token)
        return {}

    def complete_wallet(self, db: Any, session: JSON, form: dict[str, str]) -> dict[str, str]:
        email = form.get("email", "")
        if not email:
            return {"email": "Enter the e-mail address of your wallet"}
        if len(email) > MAX_TEXT or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            return {"email": "Enter the e-mail address in the right form, like name@example.com"}
        token = self._insert_method(
            db, customer=session["customer"], kind="wallet", brand="test wallet", email=email
        )
        self._finish_session(db, session, token)
        return {}

    @staticmethod
    def _finish_session(db: Any, session: JSON, token: str) -> None:
        db.execute(
            "UPDATE setup_sessions SET status = 'complete', method = ? WHERE id = ?",
            (token, session["id"]),
        )


def card_errors(form: dict[str, str], today: datetime.date) -> dict[str, str]:
    """A message per field of the card form that is not right; {} when all are."""
    errors: dict[str, str] = {}
    number = cards.digits(form.get("number", ""))
    if not number:
        errors["number"] = "Enter the card number"
    elif not number.isdigit() or not 12 <= len(number) <= 19:
        errors["number"] = "Enter the card number as it is on the card: 13 to 19 digits"
    elif not cards.luhn_ok(number):
        errors["number"] = "This card number is not valid: check the digits"
    elif not cards.brand_of(number):
        errors["number"] = "This kind of card is not taken: use Visa, Mastercard or Amex"
    expiry_text = form.get("expiry", "")
    expiry = cards.parse_expiry(expiry_text)
    if not expiry_text:
        errors["expiry"] = "Enter the expiry date"
    elif expiry is None:
        errors["expiry"] = "Enter the expiry date as MM/YY, for example 04/29"
    elif cards.expired(*expiry, today):
        errors["expiry"] = "This card has expired: the expiry date must be in the future"
    elif expiry[1] > today.year + 20:
        errors["expiry"] = "Check the expiry year: it is too far in the future"
    cvc = form.get("cvc", "")
    if not cvc:
        errors["cvc"] = "Enter the security code"
    elif not re.fullmatch(r"\d{3,4}", cvc):
        errors["cvc"] = "Enter the security code: the 3 or 4 digits printed on the card"
    required = {
        "name": "Enter the name as it is on the card",
        "address_line1": "Enter the first line of the billing address",
        "city": "Enter the town or city",
        "postal_code": "Enter the postcode",
        "country": "Enter the country code",
    }
    for name, message in required.items():
        if not form.get(name):
            errors[name] = message
        elif len(form[name]) > MAX_TEXT:
            errors[name] = "This is too long: use at most 200 characters"
    country = form.get("country", "")
    if country and not re.fullmatch(r"[A-Za-z]{2}", country):
        errors["country"] = "Enter the country as two letters, for example DE or FR"
    if len(form.get("address_line2", "")) > MAX_TEXT:
        errors["address_line2"] = "This is too long: use at most 200 characters"
    return errors


# --- HTTP ---------------------------------------------------------------------------------------

_ID = r"([A-Za-z0-9_]{3,64})"
API_ROUTES: list[tuple[str, re.Pattern[str], str, bool]] = [
    # (method, path, handler name, takes an idempotency key)
    ("POST", re.compile(r"/v1/customers"), "create_customer", True),
    ("POST", re.compile(r"/v1/setup_sessions"), "create_setup_session", True),
    ("GET", re.compile(rf"/v1/setup_sessions/{_ID}"), "read_setup_session", False),
    ("POST", re.compile(rf"/v1/customers/{_ID}/bank_accounts"), "attach_bank_account", True),
    ("GET", re.compile(rf"/v1/payment_methods/{_ID}"), "read_method", False),
    ("POST", re.compile(rf"/v1/payment_methods/{_ID}/detach"), "detach_method", True),
    ("POST", re.compile(r"/v1/charges"), "charge", True),
    ("GET", re.compile(rf"/v1/charges/{_ID}"), "read_charge", False),
    ("POST", re.compile(r"/v1/refunds"), "refund", True),
]
KEY_REQUIRED = {"charge", "refund"}
REMEMBERED = {200, 402}  # answers of requests that were carried out (replayed for the same key)


class GatewayServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], gateway: Gateway) -> None:
        super().__init__(address, Handler)
        self.gateway = gateway
        self.stopping = threading.Event()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


class Handler(BaseHTTPRequestHandler):
    server: GatewayServer
    server_version = "clientvault-testgateway/1"
    route_name = "-"

    # never the path (it holds session ids and tokens) nor a body: the route and the status
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if not self.server.gateway.config.quiet:
            sys.stderr.write(f"testgateway: {self.command} {self.route_name} {code}\n")

    def log_error(self, format: str, *args: Any) -> None:
        if not self.server.gateway.config.quiet:
            sys.stderr.write(f"testgateway: {self.command} {self.route_name} error\n")

    @property
    def gateway(self) -> Gateway:
        return self.server.gateway

    # --- dispatch ---

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        path, _, query = self.path.partition("?")
        try:
            if path.startswith("/v1/"):
                self._api(path, urllib.parse.parse_qs(query))
            elif path.startswith("/setup/"):
                self.route_name = "/setup/{id}"
                self._hosted(path.removeprefix("/setup/"))
            elif path == "/static/form.css" and self.command == "GET":
                self.route_name = path
                self._send(200, pages.STYLESHEET.encode(), "text/css; charset=utf-8")
            elif path == "/health" and self.command == "GET":
                self.route_name = path
                self._json(200, {"status": "ok"})
            else:
                self.route_name = "(unknown)"
                self._json(404, ApiError(404, "not_found", "no such route").body())
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout): nothing to answer
        except Exception:  # one request's failure never stops the server
            logger.exception("test gateway: a request failed")
            self._json(
                500,
                {
                    "error": {
                        "type": "api_error",
                        "code": "internal_error",
                        "message": "the test gateway failed",
                    }
                },
            )

    # --- the API ---

    def _api(self, path: str, query: dict[str, list[str]]) -> None:
        if not self._authorised():
            self.route_name = "/v1/..."
            error = ApiError(401, "unauthorized", "a valid secret key is required (Bearer)")
            self._json(401, error.body())
            return
        if path == "/v1/events" and self.command == "GET":
            self.route_name = path
            with self.gateway.store.transaction() as db:
                answer = self.gateway.list_events(db, query)
            self._json(answer.status, answer.body)
            return
        resend = re.fullmatch(rf"/v1/events/{_ID}/resend", path)
        if resend and self.command == "POST":
            self.route_name = "/v1/events/{id}/resend"
            delivered = self.gateway.deliverer.deliver_now(resend.group(1))
            self._json(200, {"id": resend.group(1), "delivered": delivered})
            return
        for method, pattern, name, keyed in API_ROUTES:
            match = pattern.fullmatch(path)
            if match and method == self.command:
                self.route_name = re.sub(r"\(\[.*?\)", "{id}", pattern.pattern)
                self._call(name, match.groups(), keyed)
                return
        self.route_name = "(unknown)"
        self._json(404, ApiError(404, "not_found", "no such route").body())

    def _authorised(self) -> bool:
        given = self.headers.get("Authorization", "")
        expected = f"Bearer {self.gateway.config.secret}"
        return hmac.compare_digest(given.encode(), expected.encode())

    def _read_json(self) -> JSON:
        raw = self._read_body()
        if not raw:
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            raise ApiError(400, "invalid_json", "the body is not JSON") from None
        if not isinstance(body, dict):
            raise ApiError(400, "invalid_json", "the body must be a JSON object")
        return body

    def _read_body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            raise ApiError(413, "body_too_large", "the body is too large")
        return self.rfile.read(length) if length else b""

    def _call(self, name: str, args: tuple[str, ...], keyed: bool) -> None:
        key = self.headers.get("Idempotency-Key", "").strip() if keyed else ""
        try:
            body = self._read_json() if self.command == "POST" else {}
            if name in KEY_REQUIRED and not key:
                raise ApiError(400, "idempotency_key_missing", "an Idempotency-Key is required")
            if len(key) > 255:
                raise ApiError(400, "idempotency_key_invalid", "the Idempotency-Key is too long")
            answer, replayed = self._run(name, args, body, key)
        except ApiError as error:
            self._json(error.status, error.body())
            return
        for event in answer.events:
            self.gateway.deliverer.send(event)
        if answer.hang:
            self.server.stopping.wait(self.gateway.config.hang_seconds)
        extra = {"Idempotent-Replayed": "true"} if replayed else {}
        self._json(answer.status, answer.body, extra)

    def _run(self, name: str, args: tuple[str, ...], body: JSON, key: str) -> tuple[Answer, bool]:
        operation = getattr(self.gateway, name)
        fingerprint = hashlib.sha256(
            f"{self.command} {self.path}\n{json.dumps(body, sort_keys=True)}".encode()
        ).hexdigest()
        with self.gateway.store.transaction() as db:
            if key:
                seen = Store.remembered(db, key)
                if seen is not None:
                    if not hmac.compare_digest(seen["fingerprint"], fingerprint):
                        raise ApiError(
                            409,
                            "idempotency_key_reused",
                            "this Idempotency-Key was already used for a different request",
                        )
                    return Answer(int(seen["status"]), json.loads(seen["body"])), True
            extra = {"key": key} if name in KEY_REQUIRED else {}
            answer: Answer = operation(db, body, *args, **extra)
            if key and answer.status in REMEMBERED:
                Store.remember(db, key, fingerprint, answer.status, answer.body)
        return answer, False

    # --- the payer's pages ---

    def _hosted(self, session_id: str) -> None:
        gateway = self.gateway
        with gateway.store.transaction() as db:
            row = db.execute("SELECT * FROM setup_sessions WHERE id = ?", (session_id,)).fetchone()
            session = dict(row) if row is not None else None
        if session is None:
            self._html(404, pages.not_found(), None)
            return
        if self.command == "POST":
            form = self._read_form()
        if session["status"] == "complete":
            if self.command == "POST":
                self._redirect(session["return_url"])
            else:
                self._html(200, pages.finished(return_url=session["return_url"]), session)
            return
        values: dict[str, str] = {}
        errors: dict[str, str] = {}
        if self.command == "POST":
            with gateway.store.transaction() as db:
                current = db.execute(
                    "SELECT status FROM setup_sessions WHERE id = ?", (session_id,)
                ).fetchone()
                if current["status"] == "open":
                    complete = (
                        gateway.complete_card
                        if session["kind"] == "card"
                        else gateway.complete_wallet
                    )
                    errors = complete(db, session, form)
            if not errors:
                self._redirect(session["return_url"])
                return
            values = form
        render = pages.card_form if session["kind"] == "card" else pages.wallet_form
        html = render(
            action=f"/setup/{session_id}",
            merchant=gateway.config.merchant,
            cancel_url=session["cancel_url"],
            values=values,
            errors=errors,
        )
        self._html(200, html, session)

    def _read_form(self) -> dict[str, str]:
        try:
            raw = self._read_body().decode("utf-8", errors="replace")
        except ApiError:
            raw = ""
        parsed = urllib.parse.parse_qs(raw, keep_blank_values=True)
        return {name: values[0].strip() for name, values in parsed.items() if values}

    # --- answers ---

    def _send(
        self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, body: JSON, extra: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(body).encode(), "application/json", extra)

    def _html(self, status: int, html: str, session: JSON | None) -> None:
        sources = ["'self'"]
        if session is not None:  # the form goes on to the merchant's return address
            parts = urllib.parse.urlsplit(session["return_url"])
            sources.append(f"{parts.scheme}://{parts.netloc}")
        policy = (
            "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
            f"frame-ancestors 'none'; form-action {' '.join(sources)}"
        )
        extra = {
            "Content-Security-Policy": policy,
            "Referrer-Policy": "no-referrer",
            "X-Frame-Options": "DENY",
        }
        self._send(status, html.encode(), "text/html; charset=utf-8", extra)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()


# --- running it ---------------------------------------------------------------------------------


@dataclass
class RunningGateway:
    """A started gateway: its ``url``, its ``store`` (for tests), ``stop()`` to end it."""

    server: GatewayServer
    thread: threading.Thread
    store: Store
    deliverer: Deliverer
    temporary: tempfile.TemporaryDirectory[str] | None = None

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def config(self) -> Config:
        return self.server.gateway.config

    def stop(self) -> None:
        self.server.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
        self.deliverer.stop()
        self.store.close()
        if self.temporary is not None:
            self.temporary.cleanup()


def build(
    config: Config, *, host: str = "127.0.0.1", port: int = 0, state: Path | str | None = None
) -> RunningGateway:
    """A gateway bound to ``host:port`` (0: a free port), not yet serving."""
    temporary = None
    if state is None:
        temporary = tempfile.TemporaryDirectory(prefix="testgateway-")
        state = Path(temporary.name) / "testgateway.sqlite3"
    store = Store(state)
    deliverer = Deliverer(
        store, url=config.webhook_url, secret=config.secret, retry_delays=config.retry_delays
    )
    gateway = Gateway(store, config, deliverer)
    server = GatewayServer((host, port), gateway)
    gateway.base_url = server.url
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.1},
        name="testgateway",
        daemon=True,
    )
    return RunningGateway(server, thread, store, deliverer, temporary)


def start(
    config: Config, *, host: str = "127.0.0.1", port: int = 0, state: Path | str | None = None
) -> RunningGateway:
    """Start the gateway in this process, in background threads; ``.url`` says where.

    With no ``state`` the state lives in a temporary file removed by ``stop()``; ``port=0``
    takes a free port.
    """
    running = build(config, host=host, port=port, state=state)
    running.deliverer.start()
    running.thread.start()
    return running


def serve(
    config: Config,
    *,
    host: str = "127.0.0.1",
    port: int = 8040,
    state: Path | str | None = None,
    announce: Callable[[str], None] = print,
) -> None:
    """Run the gateway until SIGINT or SIGTERM (the command line's ``serve``)."""
    import signal

    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    running = start(config, host=host, port=port, state=state)
    webhooks = config.webhook_url or "nowhere (no --webhook-url)"
    announce(f"Test payment gateway: {running.url} (webhooks to {webhooks})")
    try:
        stop.wait()
    finally:
        running.stop()
