"""The test registrar's HTTP server: a domain registrar (and its registry's RDAP) over JSON.

Standard library only (``http.server``, ``sqlite3``): it imports neither Django nor any other
part of clientvault but the shared :mod:`clientvault.localserver` plumbing. ``clientvault
testregistrar serve`` runs it beside the site; tests start it in-process with :func:`start`.

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
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clientvault.localserver.running import (
    Running,
    bind,
    serve_until_signal,
    serving_thread,
    state_file,
)
from clientvault.localserver.server import JSON, Answer, JsonHandler, LocalServer
from clientvault.testregistrar.errors import ApiError
from clientvault.testregistrar.operations import Operations
from clientvault.testregistrar.store import Store

MAX_BODY = 64 * 1024
DEFAULT_HANG_SECONDS = 30.0


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


class RegistrarServer(LocalServer):
    def __init__(self, address: tuple[str, int], operations: Operations, config: Config) -> None:
        super().__init__(address, Handler, quiet=config.quiet)
        self.operations = operations
        self.config = config


class Handler(JsonHandler):
    server: RegistrarServer
    server_version = "clientvault-testregistrar/1"
    label = "testregistrar"
    title = "test registrar"
    max_body = MAX_BODY

    def do_PUT(self) -> None:
        self.handle_safely()

    def do_PATCH(self) -> None:
        self.handle_safely()

    def do_DELETE(self) -> None:
        self.handle_safely()

    # --- dispatch ---

    def dispatch(self) -> None:
        path, _, query = self.path.partition("?")
        rdap = RDAP.fullmatch(path)
        if path == "/health" and self.command == "GET":
            self.route_name = path
            self.send_json(200, {"status": "ok"})
        elif rdap and self.command == "GET":
            self.route_name = "/rdap/domain/{name}"
            self.send_answer(self._read(lambda db: self.operations.rdap(db, _unquote(rdap[1]))))
        elif path.startswith("/v1/"):
            self._api(path, urllib.parse.parse_qs(query))
        else:
            self.route_name = "(unknown)"
            raise ApiError(404, "no_route", "There is no such address.")

    @property
    def operations(self) -> Operations:
        return self.server.operations

    def _api(self, path: str, query: dict[str, list[str]]) -> None:
        self.route_name = "/v1/..."
        if not self.authorised(self.server.config.key):
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

    # --- carrying a request out ---

    def _call(self, name: str, args: tuple[str, ...]) -> None:
        operation = getattr(self.operations, name)
        if self.command == "GET":
            self.send_answer(self._read(lambda db: operation(db, {}, *args)))
            return
        key = self.idempotency_key()
        body = self.read_json()
        answer, replayed = self.replay_or_run(
            self.operations.store,
            lambda db: operation(db, body, *args),
            key=key,
            body=body,
            answer_class=Answer,
        )
        if answer.hang and not replayed:
            self.server.stopping.wait(self.server.config.hang_seconds)
        self.send_answer(answer, replayed=replayed)

    def _read(self, operation: Callable[[Any], Answer]) -> Answer:
        with self.operations.store.transaction() as db:
            return operation(db)


def _unquote(value: str) -> str:
    return urllib.parse.unquote(value)


# --- running it ---------------------------------------------------------------------------------


@dataclass
class RunningRegistrar(Running[RegistrarServer, Store]):
    """A started registrar: its ``url``, ``store`` and ``operations`` (for tests), ``stop()``."""

    @property
    def config(self) -> Config:
        return self.server.config

    def add_domain(self, name: str, **options: Any) -> JSON:
        """A domain put in the registrar's hands directly (even a ``down-`` one); its view."""
        with self.store.transaction() as db:
            view: JSON = self.server.operations.add_domain(db, name, **options)
        return view


def start(
    config: Config, *, host: str = "127.0.0.1", port: int = 0, state: Path | str | None = None
) -> RunningRegistrar:
    """Start the registrar in this process, in a background thread; ``.url`` says where.

    With no ``state`` the state lives in a temporary file removed by ``stop()``; ``port=0``
    takes a free port.
    """
    state, temporary = state_file(state, "testregistrar")
    store = Store(state)
    operations = Operations(store, config.today)
    server = bind(lambda: RegistrarServer((host, port), operations, config), store, temporary)
    running = RunningRegistrar(server, serving_thread(server, "testregistrar"), store, temporary)
    running.start()
    return running


def serve(
    config: Config,
    *,
    host: str = "127.0.0.1",
    port: int = 8060,
    state: Path | str | None = None,
    announce: Callable[[str], None] = print,
) -> None:
    """Run the registrar until SIGINT or SIGTERM (the command line's ``serve``)."""
    serve_until_signal(
        lambda: start(config, host=host, port=port, state=state),
        announce=announce,
        describe=lambda url: f"Test registrar: {url}",
    )
