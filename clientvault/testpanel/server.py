"""The test control panel's HTTP server: a small JSON API like a hosting panel's.

Standard library only (``http.server``, ``sqlite3``): it imports neither Django nor any other part
of clientvault but the shared :mod:`clientvault.localserver` plumbing
(``tests/hosting/test_testpanel_standalone.py``). ``clientvault testpanel serve``
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

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from clientvault.localserver.running import (
    Running,
    bind,
    serve_until_signal,
    serving_thread,
    state_file,
)
from clientvault.localserver.server import Answer, ApiError, JsonHandler, LocalServer
from clientvault.testpanel.panel import Panel
from clientvault.testpanel.store import Store

MAX_BODY = 16 * 1024
DEFAULT_HANG_SECONDS = 30.0

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


class PanelServer(LocalServer):
    def __init__(self, address: tuple[str, int], config: Config, store: Store) -> None:
        super().__init__(address, Handler, quiet=config.quiet)
        self.config = config
        self.store = store
        self.panel = Panel()


class Handler(JsonHandler):
    server: PanelServer
    server_version = "clientvault-testpanel/1"
    label = "testpanel"
    title = "test panel"
    max_body = MAX_BODY

    def dispatch(self) -> None:
        path = self.path.partition("?")[0]
        if path == "/health" and self.command == "GET":
            self.route_name = path
            self.send_json(200, {"status": "ok"})
        elif not path.startswith("/v1/"):
            self.refuse(ApiError(404, "not_found", "There is no such route."))
        elif not self.authorised(self.server.config.key):
            self.route_name = "/v1/..."
            self.refuse(ApiError(401, "unauthorized", "A valid API key is required (Bearer)."))
        else:
            self._route(path)

    def _route(self, path: str) -> None:
        for method, pattern, name, route in ROUTES:
            match = pattern.fullmatch(path)
            if match and method == self.command:
                self.route_name = route
                self._call(name, match.groups())
                return
        self.route_name = "(unknown)"
        self.refuse(ApiError(404, "not_found", "There is no such route."))

    def _call(self, name: str, args: tuple[str, ...]) -> None:
        key = self.idempotency_key() if self.command == "POST" else ""
        body = self.read_json() if self.command == "POST" else {}
        operation: Callable[..., Answer] = getattr(self.server.panel, name)
        answer, replayed = self.replay_or_run(
            self.server.store,
            lambda db: operation(db, body, *args),
            key=key,
            body=body,
            answer_class=Answer,
        )
        if answer.hang:
            self.server.stopping.wait(self.server.config.hang_seconds)
        self.send_answer(answer, replayed=replayed)


# --- running it ---------------------------------------------------------------------------------


@dataclass
class RunningPanel(Running[PanelServer, Store]):
    """A started panel: its ``url``, its ``store`` (for tests), ``stop()`` to end it."""

    @property
    def config(self) -> Config:
        return self.server.config


def start(
    config: Config, *, host: str = "127.0.0.1", port: int = 0, state: Path | str | None = None
) -> RunningPanel:
    """Start the panel in this process, in a background thread; ``.url`` says where.

    With no ``state`` the state lives in a temporary file removed by ``stop()``; ``port=0``
    takes a free port.
    """
    state, temporary = state_file(state, "testpanel")
    store = Store(state)
    server = bind(lambda: PanelServer((host, port), config, store), store, temporary)
    running = RunningPanel(server, serving_thread(server, "testpanel"), store, temporary)
    running.start()
    return running


def serve(
    config: Config,
    *,
    host: str = "127.0.0.1",
    port: int = 8050,
    state: Path | str | None = None,
    announce: Callable[[str], None] = print,
) -> None:
    """Run the panel until SIGINT or SIGTERM (the command line's ``serve``)."""
    serve_until_signal(
        lambda: start(config, host=host, port=port, state=state),
        announce=announce,
        describe=lambda url: f"Test control panel: {url}",
    )
