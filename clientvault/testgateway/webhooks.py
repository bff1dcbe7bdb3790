"""Webhook events: signed as Stripe signs them, delivered by a background thread with retries.

The signature header is ``Testgateway-Signature: t=<unix time>,v1=<hex>``, where ``<hex>`` is
HMAC-SHA256 under the shared secret of ``"<t>.<the exact body>"``. Each attempt is signed
afresh (its own ``t``), so a receiver may refuse anything older than a few minutes.

Delivery never stops the server: a failed attempt (no answer, a refusal, anything not 2xx) is
retried after each of ``retry_delays`` seconds, and the last outcome is kept with the event
(``GET /v1/events``); ``POST /v1/events/<id>/resend`` tries again at once.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from typing import Any

from clientvault.testgateway.store import Store, new_id

SIGNATURE_HEADER = "Testgateway-Signature"
DELIVERY_TIMEOUT = 5.0  # seconds for the receiver to answer one attempt
DEFAULT_RETRY_DELAYS = (1.0, 5.0, 30.0)

logger = logging.getLogger("clientvault.testgateway")


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The signature header's value for ``body`` at ``timestamp`` (now by default)."""
    when = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{when}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={when},v1={mac}"


def event_body(
    *,
    event_id: str,
    kind: str,
    charge: dict[str, Any],
    amount: int,
    refund_id: str = "",
    key: str = "",
) -> dict[str, Any]:
    """An event's body. ``idempotency_key`` is the key of the request that made the charge (or
    the refund), so a merchant whose call timed out can match the event to its attempt."""
    return {
        "id": event_id,
        "type": kind,
        "created": int(time.time()),
        "data": {
            "charge": charge["id"],
            "refund": refund_id or None,
            "amount": amount,
            "currency": charge["currency"],
            "status": charge["status"],
            "failure_code": charge["failure_code"],
            "idempotency_key": key,
        },
    }


class Deliverer:
    """Posts stored events to ``url``: a queue of (when due, event id), worked by one thread."""

    def __init__(
        self,
        store: Store,
        *,
        url: str,
        secret: str,
        retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS,
    ) -> None:
        self.store = store
        self.url = url
        self.secret = secret
        self.retry_delays = retry_delays
        self._due: list[tuple[float, int, str]] = []
        self._order = 0
        self._wake = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="testgateway-webhooks", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        self._thread.join(timeout=DELIVERY_TIMEOUT + 1)

    def record(self, db: Any, body: dict[str, Any]) -> str:
        """Store a new event (in the caller's transaction); ``send`` it once that commits."""
        db.execute(
            "INSERT INTO events (id, type, charge, body, created) VALUES (?,?,?,?,?)",
            (body["id"], body["type"], body["data"]["charge"], json.dumps(body), time.time()),
        )
        return str(body["id"])

    def send(self, event_id: str, delay: float = 0.0) -> None:
        if not self.url:
            return
        with self._wake:
            self._order += 1
            heapq.heappush(self._due, (time.monotonic() + delay, self._order, event_id))
            self._wake.notify_all()

    def deliver_now(self, event_id: str) -> bool:
        """One attempt, in the caller's thread (the resend endpoint); whether it was taken."""
        return self._attempt(event_id)

    # --- the thread --------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._stopping and (not self._due or self._due[0][0] > time.monotonic()):
                    timeout = self._due[0][0] - time.monotonic() if self._due else None
                    self._wake.wait(timeout)
                if self._stopping:
                    return
                _, _, event_id = heapq.heappop(self._due)
            try:
                taken = self._attempt(event_id)
            except Exception:  # never let one event stop the deliveries
                logger.exception("test gateway: webhook delivery failed unexpectedly")
                taken = False
            if not taken:
                self._retry(event_id)

    def _retry(self, event_id: str) -> None:
        event = self.store.one("SELECT attempts FROM events WHERE id = ?", event_id)
        attempts = int(event["attempts"]) if event else len(self.retry_delays) + 1
        if attempts <= len(self.retry_delays):
            self.send(event_id, delay=self.retry_delays[attempts - 1])

    def _attempt(self, event_id: str) -> bool:
        event = self.store.one("SELECT body FROM events WHERE id = ?", event_id)
        if event is None or not self.url:
            return False
        body = str(event["body"]).encode()
        request = urllib.request.Request(  # noqa: S310  (the configured http(s) endpoint)
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                SIGNATURE_HEADER: sign(self.secret, body),
                "User-Agent": "clientvault-testgateway/1",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=DELIVERY_TIMEOUT) as answer:  # noqa: S310
                status = str(answer.status)
        except urllib.error.HTTPError as error:
            status = str(error.code)
        except (OSError, ValueError) as error:
            status = type(error).__name__
        taken = status.isdigit() and 200 <= int(status) < 300
        with self.store.transaction() as db:
            db.execute(
                "UPDATE events SET attempts = attempts + 1, delivered = MAX(delivered, ?), "
                "last_status = ? WHERE id = ?",
                (int(taken), status, event_id),
            )
        return taken


def new_event_id() -> str:
    return new_id("evt")
