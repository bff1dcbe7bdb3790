# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""GET /api/v1/hosting/services/{reference}/usage: a service's usage by day or by month, for a
token with the services permission; 403 without it, 404 for another account's service, a
service without a domain or a staff token; 422 naming the parameter that is wrong."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from clientvault.accounts.models import Permission, StaffRole
from clientvault.hosting.models import Service
from clientvault.hosting.services.catalogue import ensure_catalogue
from tests.accounts.personas import (  # noqa: F401
    add_authorised_user,
    customer,
    make_staff,
    outsider,
    teammate,
)
from tests.hosting.api_support import call, get
from tests.hosting.support import make_service
from tests.traffic.figures import a_day, an_hour, at, timed
from tests.traffic.test_usage_pages import ordered_long_ago

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

DAY = datetime.date(2026, 11, 3)


@pytest.fixture
def service(customer) -> Service:
    ensure_catalogue()
    service = ordered_long_ago(make_service(customer, domain="ada-site.com"), days=3000)
    a_day("ada-site.com", DAY)
    a_day("ada-site.com", DAY - datetime.timedelta(days=40))
    an_hour("shop.ada-site.com", at(DAY, 2), hits=10, serve_ms=timed(ms_500=10))
    an_hour("other-site.com", at(DAY, 2), hits=10)
    return service


def usage(person, service: Service, **params):
    return get(person, f"/services/{service.reference}/usage", **params)


def test_by_day_every_day_of_the_period_with_the_domain_and_its_subdomains(customer, service):
    answer = usage(customer, service, **{"from": "2026-11-02", "to": "2026-11-03"})
    assert answer.status_code == 200
    body = answer.json()
    assert {k: body[k] for k in ("reference", "domain", "period", "start", "end")} == {
        "reference": service.reference,
        "domain": "ada-site.com",
        "period": "day",
        "start": "2026-11-02",
        "end": "2026-11-03",
    }
    empty, day = body["rows"]
    assert empty == {
        "start": "2026-11-02",
        "end": "2026-11-02",
        "bandwidth_bytes": 0,
        "requests": 0,
        "errors": 0,
        "time_to_serve": None,
        "cpu_seconds": None,
    }
    assert (day["requests"], day["errors"], day["bandwidth_bytes"]) == (70, 3, 70_000)
    assert day["time_to_serve"] == {
        "timed_requests": 50,
        "p50_ms": 20,
        "p95_ms": 500,
        "p99_ms": 500,
    }
    assert body["total"]["requests"] == 70
    assert (body["total"]["start"], body["total"]["end"]) == ("2026-11-02", "2026-11-03")


def test_by_month_whole_months(customer, service):
    answer = usage(customer, service, period="month", **{"from": "2026-09-15", "to": "2026-11-03"})
    body = answer.json()
    assert (body["start"], body["end"]) == ("2026-09-01", "2026-11-30")
    assert [(r["start"], r["end"], r["requests"]) for r in body["rows"]] == [
        ("2026-09-01", "2026-09-30", 60),  # 24 September
        ("2026-10-01", "2026-10-31", 0),
        ("2026-11-01", "2026-11-30", 70),
    ]
    assert body["total"]["requests"] == 130


def test_the_defaults_are_the_last_30_days_and_the_last_12_months(customer, service):
    by_day = usage(customer, service).json()
    assert len(by_day["rows"]) == 30
    assert by_day["rows"][-1]["start"] == datetime.datetime.now(tz=datetime.UTC).date().isoformat()
    by_month = usage(customer, service, period="month").json()
    assert len(by_month["rows"]) == 12


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "3 Nov 2026"}, "from", "date"),
        ({"to": "2026-13-01"}, "to", "date"),
        ({"period": "week"}, "period", "'day' or 'month'"),
        ({"from": "2026-11-03", "to": "2026-11-01"}, "to", "To: the last day cannot be before"),
        ({"from": "2024-01-01", "to": "2026-11-01"}, "from", "From: a period is at most 366"),
        ({"from": "1970-01-01", "to": "2026-11-01"}, "from", "From: choose a day from 2000"),
        ({"from": "2026-11-01", "to": "2100-01-01"}, "to", "To: choose a day from 2000"),
        (
            {"period": "month", "from": "2001-01-01", "to": "2026-11-01"},
            "from",
            "at most 60 months",
        ),
    ],
)
def test_a_wrong_parameter_is_a_422_naming_it(customer, service, params, field, message):
    answer = usage(customer, service, **params)
    assert answer.status_code == 422
    [problem] = answer.json()["detail"]
    assert problem["field"] == field
    assert message in problem["message"]


def test_another_accounts_service_is_not_found(outsider, service):
    assert usage(outsider, service).status_code == 404


def test_a_service_without_a_domain_has_no_usage(customer):
    ensure_catalogue()
    bare = make_service(customer, domain="")
    assert usage(customer, bare).status_code == 404
    answer = get(customer, "/services/svc-000000000000/usage")
    assert answer.status_code == 404
    assert answer.json() == {"detail": "Not found."}


def test_an_authorised_user_needs_the_services_permission(customer, teammate, service):
    answer = usage(teammate, service)
    assert answer.status_code == 403
    assert "services permission" in answer.json()["detail"]
    allowed = add_authorised_user(
        customer, username="svc", email="svc@example.com", permissions=[Permission.SERVICES]
    )
    assert usage(allowed, service).status_code == 200


def test_staff_tokens_get_404_and_no_token_401(service):
    marketing = make_staff(StaffRole.MARKETING.value)
    path = f"/services/{service.reference}/usage"
    assert call(marketing, "GET", path).status_code == 404
    assert Client().get(f"/api/v1/hosting{path}").status_code == 401


def test_the_schema_documents_it_with_what_it_needs(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/hosting/services/{reference}/usage"]["get"]
    assert operation["operationId"] == "get_service_usage"
    assert operation["x-clientvault-permission"] == "services"
    names = {p["name"] for p in operation["parameters"]}
    assert names == {"reference", "period", "from", "to"}
    assert {"200", "401", "403", "404", "422"} <= set(operation["responses"])
