# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""Application logs name a request by its URL pattern: no account number, id or token from the
path or the query string reaches them (django.request and the development server)."""

from __future__ import annotations

import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.core.wsgi import get_wsgi_application

from clientvault.accounts.models import StaffRole
from clientvault.web.logging import safe_path
from tests.accounts.personas import customer, staff, staff_client  # noqa: F401

NUMBER = "CV-6811101"


def request_lines(caplog: pytest.LogCaptureFixture, name: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == name]


@pytest.mark.django_db(databases=["default", "keys"])
def test_a_forbidden_staff_page_is_logged_by_its_pattern(customer, staff_client, caplog):
    number = customer.customer.number
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = staff_client(StaffRole.LEGAL).get(f"/staff/customers/{number}/")
    assert response.status_code == 403
    assert request_lines(caplog, "django.request") == ["Forbidden: /staff/customers/<str:number>/"]
    assert number not in caplog.text


@pytest.mark.django_db(databases=["default", "keys"])
def test_a_missing_account_or_person_is_logged_without_its_number_or_id(staff_client, caplog):
    client = staff_client(StaffRole.SUPPORT)
    person = "8e6b1f5c-3a34-4c1e-9a53-0b8f4b3b6d2a"
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(f"/staff/customers/{NUMBER}/?page=2").status_code == 404
        assert client.get(f"/staff/people/{person}/identity/").status_code == 404
        assert client.get(f"/staff/people/{person}/no-such-page/").status_code == 404
    assert request_lines(caplog, "django.request") == [
        "Not Found: /staff/customers/<str:number>/",
        "Not Found: /staff/people/<uuid:pk>/identity/",
        "Not Found: /staff/…",
    ]
    assert NUMBER not in caplog.text
    assert person not in caplog.text


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
def test_the_development_server_logs_the_pattern_not_the_path(dev_server, caplog):
    server_logger = logging.getLogger("django.server")
    server_logger.addHandler(caplog.handler)
    try:
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"{dev_server}/{NUMBER}/?token=secret", timeout=10)
        urllib.request.urlopen(f"{dev_server}/staff/customers/{NUMBER}/?q=x", timeout=10)
    finally:
        server_logger.removeHandler(caplog.handler)
    lines = request_lines(caplog, "django.server")
    assert '"GET /… HTTP/1.1" 404' in lines[0]
    assert '"GET /staff/customers/<str:number>/ HTTP/1.1" 302' in lines[1]
    assert NUMBER not in caplog.text
    assert "secret" not in caplog.text
