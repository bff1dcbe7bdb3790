"""A small JSON-over-HTTP server: what the test servers' request handlers have in common.

A test server subclasses :class:`JsonHandler` with its own routes and :class:`LocalServer` with
what its handler needs. The handler brings:

- the bearer key check (:meth:`JsonHandler.authorised`);
- JSON bodies read with a size limit (:meth:`JsonHandler.read_json`), refused with 413, or 400
  ``invalid_json`` when they are not a JSON object;
- JSON answers (:meth:`JsonHandler.send_json`) and refusals as ``{"error": {"code",
  "message"}}`` (:class:`ApiError`), messages that never repeat what was sent;
- the ``Idempotency-Key`` (:meth:`JsonHandler.replay_or_run`): the same key with the same
  request gets the first answer again (``Idempotent-Replayed: true``) and does nothing more; the
  same key with a different request is refused with 409 ``idempotency_key_reused``; refusals
  are not remembered;
- one line per request on stderr (unless quiet) with the route and the status, never the path
  (it holds references and names) nor a body; one request's failure never stops the server.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import sqlite3
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, TypeVar

from clientvault.localserver.store import SqliteStore

JSON = dict[str, Any]
MAX_KEY = 255


class ApiError(Exception):
    """A refusal: the HTTP status, a stable code and a sentence that repeats nothing sent."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> JSON:
        return {"error": {"code": self.code, "message": self.message}}


@dataclass
class Answer:
    status: int
    body: JSON
    hang: bool = False  # answer only after the configured delay (a test server's slow case)


AnswerT = TypeVar("AnswerT", bound=Answer)


class LocalServer(ThreadingHTTPServer):
    """A threaded HTTP server that logs nothing when ``quiet`` and knows its own ``url``."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], handler: type[JsonHandler], *, quiet: bool
    ) -> None:
        super().__init__(address, handler)
        self.quiet = quiet
        self.stopping = threading.Event()  # set when stopping: cuts a slow answer's wait short

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


class JsonHandler(BaseHTTPRequestHandler):
    server: LocalServer
    label = "localserver"  # the log lines' prefix; the logger is clientvault.<label>
    title = "local server"  # as in "The test panel failed."
    max_body = 64 * 1024
    route_name = "-"  # the route as logged, set by the routing
    messages: ClassVar[dict[str, str]] = {
        "not_json": "The body is not JSON.",
        "not_object": "The body must be a JSON object.",
        "too_large": "The body is too large (at most {max_body} bytes).",
        "key_too_long": "The Idempotency-Key is too long.",
        "key_reused": "This Idempotency-Key was already used for a different request.",
    }

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if not self.server.quiet:
            sys.stderr.write(f"{self.label}: {self.command} {self.route_name} {code}\n")

    def log_error(self, format: str, *args: Any) -> None:
        if not self.server.quiet:
            sys.stderr.write(f"{self.label}: {self.command} {self.route_name} error\n")

    def do_GET(self) -> None:
        self.handle_safely()

    def do_POST(self) -> None:
        self.handle_safely()

    def dispatch(self) -> None:
        """Route the request and answer it (a server's own)."""
        raise NotImplementedError

    def handle_safely(self) -> None:
        """:meth:`dispatch`, with an :class:`ApiError` answered and any other failure a 500."""
        try:
            self.dispatch()
        except ApiError as error:
            self.refuse(error)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout): nothing to answer
        except Exception:  # one request's failure never stops the server
            logging.getLogger(f"clientvault.{self.label}").exception(
                "%s: a request failed", self.title
            )
            self.send_json(500, self.internal_error())

    def internal_error(self) -> JSON:
        return ApiError(500, "internal_error", f"The {self.title} failed.").body()

    def refusal(self, status: int, code: str, message: str) -> ApiError:
        """The error for one of :attr:`messages` (a server may word them its own way)."""
        return ApiError(status, code, self.messages[message].format(max_body=self.max_body))

    def authorised(self, key: str) -> bool:
        given = self.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {key}".encode())

    # --- what was sent ---

    def idempotency_key(self) -> str:
        key = self.headers.get("Idempotency-Key", "").strip()
        if len(key) > MAX_KEY:
            raise self.refusal(400, "idempotency_key_invalid", "key_too_long")
        return key

    def read_body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= self.max_body:
            self.close_connection = True  # the body (if any) is left unread
            raise self.refusal(413, "body_too_large", "too_large")
        return self.rfile.read(length) if length else b""

    def read_json(self) -> JSON:
        raw = self.read_body()
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            raise self.refusal(400, "invalid_json", "not_json") from None
        if not isinstance(body, dict):
            raise self.refusal(400, "invalid_json", "not_object")
        return body

    # --- the Idempotency-Key ---

    def keeps(self, status: int) -> bool:
        """Whether an answer with this status is given again for the same key."""
        return 200 <= status < 300

    def replay_or_run(
        self,
        store: SqliteStore,
        run: Callable[[sqlite3.Connection], AnswerT],
        *,
        key: str,
        body: JSON,
        answer_class: type[AnswerT],
    ) -> tuple[AnswerT, bool]:
        """``run`` in one transaction, or the answer kept for ``key``; and whether replayed."""
        fingerprint = hashlib.sha256(
            f"{self.command} {self.path}\n{json.dumps(body, sort_keys=True)}".encode()
        ).hexdigest()
        with store.transaction() as db:
            seen = store.remembered(db, key) if key else None
            if seen is not None:
                if not hmac.compare_digest(seen["fingerprint"], fingerprint):
                    raise self.refusal(409, "idempotency_key_reused", "key_reused")
                return answer_class(int(seen["status"]), json.loads(seen["body"])), True
            answer = run(db)
            if key and self.keeps(answer.status):
                store.remember(db, key, fingerprint, answer.status, answer.body)
        return answer, False

    # --- answers ---

    def refuse(self, error: ApiError) -> None:
        self.send_json(error.status, error.body())

    def send_answer(self, answer: Answer, *, replayed: bool = False) -> None:
        self.send_json(
            answer.status, answer.body, {"Idempotent-Replayed": "true"} if replayed else {}
        )

    def send_json(self, status: int, body: JSON, extra: dict[str, str] | None = None) -> None:
        self.send_bytes(status, json.dumps(body).encode(), "application/json", extra)

    def send_bytes(
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
