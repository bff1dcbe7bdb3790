"""The test registrar's HTTP server: a domain registrar (and its registry's RDAP) over JSON.

Standard library only (``http.server``, ``sqlite3``): it imports neither Django nor any other
part of clientvault. ``clientvault testregistrar serve`` runs it beside the site; tests start it
in-process with :func:`start`.

The API (``Authorization: Bearer <key>``; JSON in and out)::

    GET  /v1/tlds/<tld>                     the TLD's policy: public_fields, id_protection_allowed,
                                            min_years, max_years
    GET  /v1/domains/check?name=<name>      name, available, reason
    POST /v1/domains                        name, years, contacts, id_protection: register
    POST /v1/transfers                      name, auth_code, contacts: transfer in
    POST /v1/domains/<name>/renew           years
    PUT  /v1/domains/<name>/contacts        contacts
    PUT  /v1/domains/<name>/id_protection   enabled
    GET  /v1/domains/<name>/auth_code       auth_code
    GET  /v1/domains/<name>                 name, status, expires_on, id_protection, contacts
    GET  /rdap/domain/<name>                public, no key: what the registry publishes

``contacts`` holds ``registrant``, ``admin``, ``tech`` and ``billing``, each with the fields of
:data:`~clientvault.testregistrar.tlds.CONTACT_FIELDS`; they are kept exactly as sent. A POST or
PUT with an ``Idempotency-Key`` is done once: the same key with the same request gets the first
answer again (``Idempotent-Replayed: true``) and does nothing more; the same key with a different
request is refused with 409 ``idempotency_key_reused``. Refusals are ``{"error": {"code",
"message"}}`` and never repeat what was sent. The names that are taken, transferable, slow or
down are described in :mod:`clientvault.testregistrar.names`.

A ``slow-`` registration is recorded before its late answer: a client that gave up must retry
with the same Idempotency-Key (it gets the registration); with a new key it is told the name is
taken, as a real registrar would.
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
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from clientvault.testregistrar.errors import ApiError
from clientvault.testregistrar.operations import JSON, Answer, Operations
from clientvault.testregistrar.store import Store

MAX_BODY = 64 * 1024
MAX_KEY = 255
DEFAULT_HANG_SECONDS = 30.0

logger = logging.getLogger("clientvault.testregistrar")


@dataclass
class Config:
    key: str
    hang_seconds: float = DEFAULT_HANG_SECONDS
    quiet: bool = False
    today: Callable[[], datetime.date] = datetime.date.today


_NAME = r"([^/]{1,300})"
ROUTES: list[tuple[str, re.Pattern[str], str, str]] = [
    # (method, path, operation, the route as logged)
    ("GET", re.compile(r"/v1/tlds/([^/]{1,63})"), "policy", "/v1/tlds/{tld}"),
    ("GET", re.compile(r"/v1/domains/check"), "check", "/v1/domains/check"),
    ("POST", re.compile(r"/v1/domains"), "register", "/v1/domains"),
    ("POST", re.compile(r"/v1/transfers"), "transfer", "/v1/transfers"),
    ("POST", re.compile(rf"/v1/domains/{_NAME}/renew"), "renew", "/v1/domains/{name}/renew"),
    (
        "PUT",
        re.compile(rf"/v1/domains/{_NAME}/contacts"),
        "update_contacts",
        "/v1/domains/{name}/contacts",
    ),
    (
        "PUT",
        re.compile(rf"/v1/domains/{_NAME}/id_protection"),
        "set_id_protection",
        "/v1/domains/{name}/id_protection",
    ),
    (
        "GET",
        re.compile(rf"/v1/domains/{_NAME}/auth_code"),
        "auth_code",
        "/v1/domains/{name}/auth_code",
    ),
    ("GET", re.compile(rf"/v1/domains/{_NAME}"), "info", "/v1/domains/{name}"),
]
RDAP = re.compile(rf"/rdap/domain/{_NAME}")


class RegistrarServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], operations: Operations, config: Config) -> None:
        super().__init__(address, Handler)
        self.operations = operations
        self.config = config
        self.stopping = threading.Event()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


class Handler(BaseHTTPRequestHandler):
    server: RegistrarServer
    server_version = "clientvault-testregistrar/1"
    route_name = "-"

    # never the path (it holds the domain name) nor a body: the route and the status
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if not self.server.config.quiet:
            sys.stderr.write(f"testregistrar: {self.command} {self.route_name} {code}\n")

    def log_error(self, format: str, *args: Any) -> None:
        if not self.server.config.quiet:
            sys.stderr.write(f"testregistrar: {self.command} {self.route_name} error\n")

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    # --- dispatch ---

    def _dispatch(self) -> None:
        path, _, query = self.path.partition("?")
        try:
            self._route(path, urllib.parse.parse_qs(query))
        except ApiError as error:
            self._json(error.status, error.body())
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout): nothing to answer
        except Exception:  # one request's failure never stops the server
            logger.exception("test registrar: a request failed")
            failed = ApiError(500, "internal_error", "The test registrar failed.")
            self._json(500, failed.body())

    def _route(self, path: str, query: dict[str, list[str]]) -> None:
        rdap = RDAP.fullmatch(path)
        if path == "/health" and self.command == "GET":
            self.route_name = path
            self._json(200, {"status": "ok"})
        elif rdap and self.command == "GET":
            self.route_name = "/rdap/domain/{name}"
            self._answer(self._read(lambda db: self.operations.rdap(db, _unquote(rdap[1]))))
        elif path.startswith("/v1/"):
            self._api(path, query)
        else:
            self.route_name = "(unknown)"
            raise ApiError(404, "no_route", "There is no such address.")

    @property
    def operations(self) -> Operations:
        return self.server.operations

    def _api(self, path: str, query: dict[str, list[str]]) -> None:
        self.route_name = "/v1/..."
        if not self._authorised():
            raise ApiError(401, "unauthorized", "A valid registrar key is required (Bearer).")
        for method, pattern, name, label in ROUTES:
            match = pattern.fullmatch(path)
            if match and method == self.command:
                self.route_name = label
                args = tuple(_unquote(value) for value in match.groups())
                if name == "check":
                    args = (query.get("name", [""])[0],)
                self._call(name, args)
                return
        self.route_name = "(unknown)"
        raise ApiError(404, "no_route", "There is no such address in the registrar's API.")

    def _authorised(self) -> bool:
        given = self.headers.get("Authorization", "")
        expected = f"Bearer {self.server.config.key}"
        return hmac.compare_digest(given.encode(), expected.encode())

    # --- carrying a request out ---

    def _call(self, name: str, args: tuple[str, ...]) -> None:
        operation = getattr(self.operations, name)
        if self.command == "GET":
            self._answer(self._read(lambda db: operation(db, {}, *args)))
            return
        key = self.headers.get("Idempotency-Key", "").strip()
        if len(key) > MAX_KEY:
            raise ApiError(400, "idempotency_key_invalid", "The Idempotency-Key is too long.")
        body = self._read_json()
        answer, replayed = self._run(operation, args, body, key)
        if answer.hang and not replayed:
            self.server.stopping.wait(self.server.config.hang_seconds)
        self._answer(answer, replayed=replayed)

    def _read(self, operation: Callable[[Any], Answer]) -> Answer:
        with self.operations.store.transaction() as db:
            return operation(db)

    def _run(
        self, operation: Callable[..., Answer], args: tuple[str, ...], body: JSON, key: str
    ) -> tuple[Answer, bool]:
        fingerprint = hashlib.sha256(
            f"{self.command} {self.path}\n{json.dumps(body, sort_keys=True)}".encode()
        ).hexdigest()
        with self.operations.store.transaction() as db:
            seen = Store.remembered(db, key) if key else None
            if seen is not None:
                if not hmac.compare_digest(seen["fingerprint"], fingerprint):
                    raise ApiError(
                        409,
                        "idempotency_key_reused",
                        "This Idempotency-Key was already used for a different request.",
                    )
                return Answer(int(seen["status"]), json.loads(seen["body"])), True
            answer: Answer = operation(db, body, *args)
            if key and answer.status == 200:
                Store.remember(db, key, fingerprint, answer.status, answer.body)
        return answer, False

    def _read_json(self) -> JSON:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True
            raise ApiError(413, "body_too_large", f"The body must be at most {MAX_BODY} bytes.")
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            raise ApiError(400, "invalid_json", "The body is not JSON.") from None
        if not isinstance(body, dict):
            raise ApiError(400, "invalid_json", "The body must be a JSON object.")
        return body

    # --- answers ---

    def _answer(self, answer: Answer, *, replayed: bool = False) -> None:
        extra = {"Idempotent-Replayed": "true"} if replayed else {}
        self._json(answer.status, answer.body, extra)

    def _json(self, status: int, body: JSON, extra: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def _unquote(value: str) -> str:
    return urllib.parse.unquote(value)


# --- running it ---------------------------------------------------------------------------------


@dataclass
class RunningRegistrar:
    """A started registrar: its ``url``, ``store`` and ``operations`` (for tests), ``stop()``."""

    server: RegistrarServer
    thread: threading.Thread
    store: Store
    temporary: tempfile.TemporaryDirectory[str] | None = None

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def config(self) -> Config:
        return self.server.config

    def add_domain(self, name: str, **options: Any) -> JSON:
        """A domain put in the registrar's hands directly (even a ``down-`` one); its view."""
        with self.store.transaction() as db:
            view: JSON = self.server.operations.add_domain(db, name, **options)
        return view

    def stop(self) -> None:
        self.server.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
        self.store.close()
        if self.temporary is not None:
            self.temporary.cleanup()


def start(
    config: Config, *, host: str = "127.0.0.1", port: int = 0, state: Path | str | None = None
) -> RunningRegistrar:
    """Start the registrar in this process, in a background thread; ``.url`` says where.

    With no ``state`` the state lives in a temporary file removed by ``stop()``; ``port=0``
    takes a free port.
    """
    temporary = None
    if state is None:
        temporary = tempfile.TemporaryDirectory(prefix="testregistrar-")
        state = Path(temporary.name) / "testregistrar.sqlite3"
    store = Store(state)
    server = RegistrarServer((host, port), Operations(store, config.today), config)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.1},
        name="testregistrar",
        daemon=True,
    )
    thread.start()
    return RunningRegistrar(server, thread, store, temporary)


def serve(
    config: Config,
    *,
    host: str = "127.0.0.1",
    port: int = 8060,
    state: Path | str | None = None,
    announce: Callable[[str], None] = print,
) -> None:
    """Run the registrar until SIGINT or SIGTERM (the command line's ``serve``)."""
    import signal

    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    running = start(config, host=host, port=port, state=state)
    announce(f"Test registrar: {running.url}")
    try:
        stop.wait()
    finally:
        running.stop()
