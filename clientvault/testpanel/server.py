"""The test control panel's HTTP server: a small JSON API like a hosting panel's.

Standard library only (``http.server``, ``sqlite3``): it imports neither Django nor any other part
of clientvault (``tests/hosting/test_testpanel_standalone.py``). ``clientvault testpanel serve``
runs it beside the site; tests start it in-process with :func:`start`.

The API (``Authorization: Bearer <key>``; JSON in and out)::

    GET  /v1/plans                             the plans and their disk limits
    POST /v1/accounts                          service_ref, domain, plan -> 201 (200 if it exists)
    GET  /v1/accounts/<service_ref>
    POST /v1/accounts/<service_ref>/suspend    reason
    POST /v1/accounts/<service_ref>/unsuspend
    POST /v1/accounts/<service_ref>/terminate
    POST /v1/accounts/<service_ref>/plan       plan
    GET  /v1/accounts/<service_ref>/usage      disk_mb, bandwidth_mb
    POST /v1/accounts/<service_ref>/usage      disk_mb, bandwidth_mb (a test hook)

A POST with an ``Idempotency-Key`` header is done once: the same key with the same request gets
the first successful answer again (``Idempotent-Replayed: true``) and does nothing more; the same
key with a different request is refused with 409 ``idempotency_key_reused``. Refusals are not
remembered: the same request may succeed later (after the usage went down, say). Every refusal
is ``{"error": {"code", "message"}}`` with a message that never repeats what was sent. The rules
and the failure switches (``slow-`` and ``down-`` domains) are in :mod:`.panel`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from clientvault.testpanel.panel import JSON, Answer, ApiError, Panel
from clientvault.testpanel.store import Store

MAX_BODY = 16 * 1024
MAX_KEY = 255
DEFAULT_HANG_SECONDS = 30.0

logger = logging.getLogger("clientvault.testpanel")

_REF = r"([A-Za-z0-9][A-Za-z0-9_.-]{0,63})"
ROUTES: list[tuple[str, re.Pattern[str], str, str]] = [
    # (method, path, Panel method, route shown in the log)
    ("GET", re.compile(r"/v1/plans"), "read_plans", "/v1/plans"),
    ("POST", re.compile(r"/v1/accounts"), "create", "/v1/accounts"),
    ("GET", re.compile(rf"/v1/accounts/{_REF}"), "read", "/v1/accounts/{ref}"),
    ("POST", re.compile(rf"/v1/accounts/{_REF}/suspend"), "suspend", "/v1/accounts/{ref}/suspend"),
    (
        "POST",
        re.compile(rf"/v1/accounts/{_REF}/unsuspend"),
        "unsuspend",
        "/v1/accounts/{ref}/unsuspend",
    ),
    (
        "POST",
        re.compile(rf"/v1/accounts/{_REF}/terminate"),
        "terminate",
        "/v1/accounts/{ref}/terminate",
    ),
    ("POST", re.compile(rf"/v1/accounts/{_REF}/plan"), "change_plan", "/v1/accounts/{ref}/plan"),
    ("GET", re.compile(rf"/v1/accounts/{_REF}/usage"), "read_usage", "/v1/accounts/{ref}/usage"),
    ("POST", re.compile(rf"/v1/accounts/{_REF}/usage"), "set_usage", "/v1/accounts/{ref}/usage"),
]


@dataclass
class Config:
    key: str  # the bearer key of the API
    hang_seconds: float = DEFAULT_HANG_SECONDS  # how long a ``slow-`` domain's creation takes
    quiet: bool = False  # no line per request on stderr


class PanelServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], config: Config, store: Store) -> None:
        super().__init__(address, Handler)
        self.config = config
        self.store = store
        self.panel = Panel()
        self.stopping = threading.Event()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


class Handler(BaseHTTPRequestHandler):
    server: PanelServer
    server_version = "clientvault-testpanel/1"
    route_name = "-"

    # never the path (it holds service references) nor a body: the route and the status
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if not self.server.config.quiet:
            sys.stderr.write(f"testpanel: {self.command} {self.route_name} {code}\n")

    def log_error(self, format: str, *args: Any) -> None:
        if not self.server.config.quiet:
            sys.stderr.write(f"testpanel: {self.command} {self.route_name} error\n")

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        path = self.path.partition("?")[0]
        try:
            if path == "/health" and self.command == "GET":
                self.route_name = path
                self._json(200, {"status": "ok"})
            elif not path.startswith("/v1/"):
                self._refuse(ApiError(404, "not_found", "There is no such route."))
            elif not self._authorised():
                self.route_name = "/v1/..."
                self._refuse(ApiError(401, "unauthorized", "A valid API key is required (Bearer)."))
            else:
                self._route(path)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout): nothing to answer
        except Exception:  # one request's failure never stops the server
            logger.exception("test panel: a request failed")
            self._refuse(ApiError(500, "internal_error", "The test panel failed."))

    def _route(self, path: str) -> None:
        for method, pattern, name, route in ROUTES:
            match = pattern.fullmatch(path)
            if match and method == self.command:
                self.route_name = route
                self._call(name, match.groups())
                return
        self.route_name = "(unknown)"
        self._refuse(ApiError(404, "not_found", "There is no such route."))

    def _authorised(self) -> bool:
        given = self.headers.get("Authorization", "")
        expected = f"Bearer {self.server.config.key}"
        return hmac.compare_digest(given.encode(), expected.encode())

    # --- a call ---

    def _call(self, name: str, args: tuple[str, ...]) -> None:
        try:
            key = self._idempotency_key()
            body = self._read_json() if self.command == "POST" else {}
            answer, replayed = self._run(name, args, body, key)
        except ApiError as error:
            self._refuse(error)
            return
        if answer.hang:
            self.server.stopping.wait(self.server.config.hang_seconds)
        self._json(answer.status, answer.body, {"Idempotent-Replayed": "true"} if replayed else {})

    def _idempotency_key(self) -> str:
        key = self.headers.get("Idempotency-Key", "").strip() if self.command == "POST" else ""
        if len(key) > MAX_KEY:
            raise ApiError(400, "idempotency_key_invalid", "The Idempotency-Key is too long.")
        return key

    def _run(self, name: str, args: tuple[str, ...], body: JSON, key: str) -> tuple[Answer, bool]:
        operation: Callable[..., Answer] = getattr(self.server.panel, name)
        fingerprint = hashlib.sha256(
            f"{self.command} {self.path}\n{json.dumps(body, sort_keys=True)}".encode()
        ).hexdigest()
        with self.server.store.transaction() as db:
            seen = Store.remembered(db, key) if key else None
            if seen is not None:
                if not hmac.compare_digest(seen["fingerprint"], fingerprint):
                    raise ApiError(
                        409,
                        "idempotency_key_reused",
                        "This Idempotency-Key was already used for a different request.",
                    )
                return Answer(int(seen["status"]), json.loads(seen["body"])), True
            answer = operation(db, body, *args)
            if key and 200 <= answer.status < 300:
                Store.remember(db, key, fingerprint, answer.status, answer.body)
        return answer, False

    def _read_json(self) -> JSON:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True  # the body (if any) is left unread
            raise ApiError(413, "body_too_large", f"The body is too large (at most {MAX_BODY}).")
        raw = self.rfile.read(length) if length else b""
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            raise ApiError(400, "invalid_json", "The body is not JSON.") from None
        if not isinstance(body, dict):
            raise ApiError(400, "invalid_json", "The body must be a JSON object.")
        return body

    # --- answers ---

    def _refuse(self, error: ApiError) -> None:
        self._json(error.status, error.body())

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


# --- running it ---------------------------------------------------------------------------------


@dataclass
class RunningPanel:
    """A started panel: its ``url``, its ``store`` (for tests), ``stop()`` to end it."""

    server: PanelServer
    thread: threading.Thread
    temporary: tempfile.TemporaryDirectory[str] | None = None

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def config(self) -> Config:
        return self.server.config

    @property
    def store(self) -> Store:
        return self.server.store

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
) -> RunningPanel:
    """Start the panel in this process, in a background thread; ``.url`` says where.

    With no ``state`` the state lives in a temporary file removed by ``stop()``; ``port=0``
    takes a free port.
    """
    temporary = None
    if state is None:
        temporary = tempfile.TemporaryDirectory(prefix="testpanel-")
        state = Path(temporary.name) / "testpanel.sqlite3"
    store = Store(state)
    try:
        server = PanelServer((host, port), config, store)
    except OSError:
        store.close()
        raise
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="testpanel", daemon=True
    )
    thread.start()
    return RunningPanel(server, thread, temporary)


def serve(
    config: Config,
    *,
    host: str = "127.0.0.1",
    port: int = 8050,
    state: Path | str | None = None,
    announce: Callable[[str], None] = print,
) -> None:
    """Run the panel until SIGINT or SIGTERM (the command line's ``serve``)."""
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    running = start(config, host=host, port=port, state=state)
    announce(f"Test control panel: {running.url}")
    try:
        stop.wait()
    finally:
        running.stop()
