"""The test gateway, started in this process for a test, and a webhook receiver to watch it.

Import the fixtures a test module uses::

    from tests.billing.gateway_server import gateway_server  # noqa: F401

- ``gateway_server``: a running gateway on a free port with a temporary state file; it sets
  ``settings.TEST_GATEWAY_URL`` (and ``PAYMENT_GATEWAY = "test"``) for the test. Its charges on
  the hanging card answer after ``HANG_SECONDS``; webhooks go nowhere unless a test starts
  its own gateway with ``running_gateway(webhook_url=...)``.
- ``webhook_receiver``: a small HTTP server that keeps every POST it gets (``.received``) and
  answers with ``.status`` (200 unless a test changes it).
- ``api(gateway, method, path, body, key=...)``: one call to the gateway's API, as
  (status, JSON, headers).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from clientvault.testgateway import Config, RunningGateway, start

SECRET = "whsec_clientvault_test"  # settings.TEST_GATEWAY_SECRET's default
HANG_SECONDS = 2.0  # the hanging card's delay in tests (the client's timeout is set below it)
RETRY_DELAYS = (0.1, 0.2, 0.3)


@contextmanager
def running_gateway(*, secret: str = SECRET, **options: Any) -> Iterator[RunningGateway]:
    """A gateway for the block: quiet, quick to retry webhooks, the hanging card short."""
    options.setdefault("hang_seconds", HANG_SECONDS)
    options.setdefault("retry_delays", RETRY_DELAYS)
    options.setdefault("quiet", True)
    running = start(Config(secret=secret, **options))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def gateway_server(settings: Any) -> Iterator[RunningGateway]:
    with running_gateway(secret=settings.TEST_GATEWAY_SECRET) as running:
        settings.PAYMENT_GATEWAY = "test"
        settings.TEST_GATEWAY_URL = running.url
        yield running


def api(
    gateway: RunningGateway,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    *,
    key: str = "",
    secret: str | None = None,
    timeout: float = 10.0,
) -> tuple[int, dict[str, Any], dict[str, str]]:
    headers = {"Authorization": f"Bearer {gateway.config.secret if secret is None else secret}"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if key:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(gateway.url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, json.loads(answer.read()), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), dict(error.headers)


def a_customer(gateway: RunningGateway, name: str = "Ada Lovelace") -> str:
    status, body, _ = api(gateway, "POST", "/v1/customers", {"name": name, "country": "GB"})
    assert status == 200, body
    return str(body["id"])


CARD_FORM = {
    "number": "4242 4242 4242 4242",
    "expiry": "12/40",
    "cvc": "123",
    "name": "Ada Lovelace",
    "address_line1": "12 Marylebone Road",
    "address_line2": "",
    "city": "London",
    "postal_code": "NW1 5LR",
    "country": "GB",
}


def post_form(url: str, form: dict[str, str]) -> tuple[int, str, dict[str, str]]:
    """POST the hosted form as a browser would, without following the redirect."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    data = urllib.parse.urlencode(form).encode()
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, data=data, method="POST")) as answer:
            return answer.status, answer.read().decode(), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def a_saved_card(
    gateway: RunningGateway, customer: str, number: str = "4242424242424242", **form: str
) -> str:
    """A card saved through the hosted form; its token."""
    status, body, _ = api(
        gateway,
        "POST",
        "/v1/setup_sessions",
        {
            "customer": customer,
            "kind": "card",
            "return_url": "http://shop.test/back/1",
            "cancel_url": "http://shop.test/cancel",
        },
    )
    assert status == 200, body
    answer, _, _ = post_form(body["url"], {**CARD_FORM, "number": number, **form})
    assert answer == 303, f"the form was refused ({answer})"
    status, session, _ = api(gateway, "GET", f"/v1/setup_sessions/{body['id']}")
    return str(session["payment_method"]["token"])


@dataclass
class Received:
    body: bytes
    headers: dict[str, str]


@dataclass
class WebhookReceiver:
    url: str
    received: list[Received] = field(default_factory=list)
    status: int = 200
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.received) < count and time.monotonic() < deadline:
                self.arrived.wait(deadline - time.monotonic())
            return list(self.received)

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(r.body) for r in self.received]


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    holder: dict[str, WebhookReceiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            receiver = holder["receiver"]
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with receiver.arrived:
                receiver.received.append(Received(body, dict(self.headers)))
                receiver.arrived.notify_all()
            self.send_response(receiver.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host, port = server.server_address[:2]
    holder["receiver"] = WebhookReceiver(url=f"http://{host!s}:{port}/hooks")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    yield holder["receiver"]
    server.shutdown()
    server.server_close()


def eventually(check: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()
