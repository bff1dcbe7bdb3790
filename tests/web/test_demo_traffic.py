# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The demo's week of logs: made in memory, ingested once, with ISP names from a local DNS
server, and no address of it kept."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clientvault.hosting.models import Service, ServiceStatusChange
from clientvault.hosting.services.catalogue import ensure_catalogue
from clientvault.privacy.sites import sites
from clientvault.traffic.models import Batch, DayFigure, Dimension, HourTotal
from clientvault.web import demo_traffic
from tests.accounts.personas import customer  # noqa: F401
from tests.hosting.support import make_service

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
END = datetime.date(2026, 11, 9)


def test_the_week_is_the_same_each_time_and_seven_days_long():
    log = demo_traffic.week_of_logs(site="shop.example", end=END)
    assert log == demo_traffic.week_of_logs(site="shop.example", end=END)
    days = {line.split(b"[", 1)[1][:11] for line in log.splitlines()}
    assert len(days) == 7


def test_it_ingests_each_demo_site_once_with_isp_names(monkeypatch):
    monkeypatch.setattr(demo_traffic, "demo_sites", lambda: ["shop.example"])
    demo_traffic.load_traffic(today=END)
    demo_traffic.load_traffic(today=END)
    batch = Batch.objects.get()
    assert batch.rejected == 0
    assert batch.lookups_skipped == 0
    isps = set(DayFigure.objects.filter(dimension=Dimension.ISP).values_list("value", flat=True))
    assert isps <= {*demo_traffic.ISPS, ""}
    assert isps & set(demo_traffic.ISPS)
    assert any(hour.serve_ms for hour in HourTotal.objects.all())  # the log has %D
    assert "shop.example" in demo_traffic.traffic_lines()[0]


def test_the_demo_services_begin_before_the_week_so_their_customers_see_it(customer):
    ensure_catalogue()
    service = make_service(customer, domain="shop.example")
    ServiceStatusChange.objects.create(
        service=service, to_status="active", reason="provisioned", at=service.created_at
    )
    demo_traffic.load_traffic(today=timezone.localdate())
    site = sites().site_of(customer.customer.number, service.reference)
    assert site is not None
    first = HourTotal.objects.order_by("hour").first()
    assert first is not None
    assert site.since <= first.hour.date()
    change = ServiceStatusChange.objects.get(service=service)
    assert change.at == Service.objects.get(pk=service.pk).created_at
