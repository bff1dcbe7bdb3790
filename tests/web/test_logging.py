# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""Application logs name a request by its URL pattern: no account number, id or token from the
path or the query string reaches them, whichever logger wrote the line (django.request, the CSRF
check, the development server, the application's own).

The lines are read where they leave: from the handlers settings ``LOGGING`` configures, not from
pytest's ``caplog`` (whose handler sees each record before the handlers' filters do)."""

from __future__ import annotations

import io
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.core.wsgi import get_wsgi_application
from django.test import Client

from clientvault.accounts.models import StaffRole
from clientvault.web.logging import RouteOnlyFilter, safe_path
from tests.accounts.personas import customer, staff, staff_client  # noqa: F401

NUMBER = "CV-6811101"
HANDLERS = ("console", "django.server")


class Written:
    """What the configured handlers wrote during a test."""

    def __init__(self) -> None:
        self.streams = {name: io.StringIO() for name in HANDLERS}

    def lines(self, handler: str = "console") -> list[str]:
        return self.streams[handler].getvalue().splitlines()

    @property
    def text(self) -> str:
        return "".join(stream.getvalue() for stream in self.streams.values())


def configured_handlers() -> dict[str, logging.Handler]:
    loggers = [logging.getLogger(), logging.getLogger("django.server")]
    return {h.name: h for logger in loggers for h in logger.handlers if h.name in HANDLERS}


@pytest.fixture
def written() -> Iterator[Written]:
    out, handlers = Written(), configured_handlers()
    before = {name: handlers[name].setStream(out.streams[name]) for name in HANDLERS}
    try:
        yield out
    finally:
        for name, stream in before.items():
            handlers[name].setStream(stream)


@pytest.mark.django_db(databases=["default", "keys"])
def test_a_forbidden_staff_page_is_logged_by_its_pattern(customer, staff_client, written):
    number = customer.customer.number
    response = staff_client(StaffRole.LEGAL).get(f"/staff/customers/{number}/")
    assert response.status_code == 403
    assert written.lines() == ["Forbidden: /staff/customers/<str:number>/"]
    assert number not in written.text


@pytest.mark.django_db(databases=["default", "keys"])
def test_a_missing_account_or_person_is_logged_without_its_number_or_id(staff_client, written):
    client = staff_client(StaffRole.SUPPORT)
    person = "8e6b1f5c-3a34-4c1e-9a53-0b8f4b3b6d2a"
    assert client.get(f"/staff/customers/{NUMBER}/?page=2").status_code == 404
    assert client.get(f"/staff/people/{person}/identity/").status_code == 404
    assert client.get(f"/staff/people/{person}/no-such-page/").status_code == 404
    assert written.lines() == [
        "Not Found: /staff/customers/<str:number>/",
        "Not Found: /staff/people/<uuid:pk>/identity/",
        "Not Found: /staff/…",
    ]
    assert NUMBER not in written.text
    assert person not in written.text


@pytest.mark.django_db(databases=["default", "keys"])
def test_a_csrf_failure_is_logged_by_its_pattern(written):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/staff/customers/{NUMBER}/status/", {"status": "suspended"})
    assert response.status_code == 403
    assert written.lines() == [
        "Forbidden (CSRF cookie not set.): /staff/customers/<str:number>/status/"
    ]
    assert NUMBER not in written.text


def test_any_logger_has_its_paths_rewritten_in_arguments_and_text(written):
    log = logging.getLogger("clientvault.anything")
    log.warning("looked at %s", f"/staff/customers/{NUMBER}/?page=2")
    log.warning("opened /staff/customers/%s/ for a caller", NUMBER)
    log.warning("came from %s", f"https://evil.example/staff/customers/{NUMBER}/?t=secret")
    log.warning("redirect to https://example.com/password-reset/abc/set-password/")
    log.warning("%(path)s refused", {"path": f"/staff/customers/{NUMBER}/status/"})
    log.warning("failed: %s", ValueError(f"no account at /staff/customers/{NUMBER}/"))
    assert written.lines() == [
        "looked at /staff/customers/<str:number>/",
        "opened /staff/customers/<str:number>/ for a caller",
        "came from https://evil.example/staff/customers/<str:number>/",
        "redirect to https://example.com/password-reset/…",
        "/staff/customers/<str:number>/status/ refused",
        "failed: no account at /staff/customers/<str:number>/",
    ]
    assert NUMBER not in written.text
    assert "secret" not in written.text


def test_paths_outside_the_site_in_a_message_are_kept(written):
    frames = "  /srv/clientvault/clientvault/api.py:147 in server_error"
    logging.getLogger("clientvault.api").error("API error %s on %s\n%s", "E", "api/v1/x", frames)
    assert written.lines()[-1] == frames


def test_every_handler_of_every_logger_rewrites_paths():
    manager = logging.Logger.manager
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in manager.loggerDict)]
    handlers = {
        h
        for logger in loggers
        for h in logger.handlers
        # pytest's own, and libraries' NullHandlers (requests, urllib3), which write nothing
        if not type(h).__module__.startswith("_") and not isinstance(h, logging.NullHandler)
    }
    assert {h.name for h in handlers} == set(HANDLERS)
    for handler in handlers:
        assert any(isinstance(f, RouteOnlyFilter) for f in handler.filters), handler.name


def test_a_path_outside_the_site_keeps_not_even_its_first_segment():
    assert safe_path(f"/{NUMBER}/x?token=secret") == "/…"
    assert safe_path("/password-reset/abc/def?x=1").startswith("/")
    assert "secret" not in safe_path("/api/v1/tokens?token=secret")


@pytest.fixture
def dev_server() -> Iterator[str]:
    """Django's development server (its own request handler, which logs to django.server)."""
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(get_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db(databases=["default", "keys"], transaction=True)
def test_the_development_server_logs_the_pattern_not_the_path(dev_server, written):
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"{dev_server}/{NUMBER}/?token=secret", timeout=10)
    urllib.request.urlopen(f"{dev_server}/staff/customers/{NUMBER}/?q=x", timeout=10)
    lines = written.lines("django.server")
    assert '"GET /… HTTP/1.1" 404' in lines[0]
    assert '"GET /staff/customers/<str:number>/ HTTP/1.1" 302' in lines[1]
    assert NUMBER not in written.text
    assert "secret" not in written.text
