"""The legal register's part of the demo (called by the project's demo seeding): a complied
subpoena with its disclosures, a court order released under a deferred notice, a preservation
hold, a refused demand and the published transparency report for 2026H2."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils import timezone

from clientvault.legal.models import Demand, DemandType, TransparencyReport
from clientvault.legal.services.demands import (
    DemandInput,
    complete,
    open_demand,
    refuse_demand,
    start_review,
)
from clientvault.legal.services.preservation import preserve
from clientvault.legal.services.releases import approve_release, prepare_release
from clientvault.legal.services.transparency import period_bounds, save_report

SUBSCRIBER = ["user.name", "user.contact.email", "user.device.ip_address"]
RECORDS = ["user.behavior", "user.device.browser"]
DEMO_AGE = datetime.timedelta(days=3)  # the demo's demands were received three days ago


def _given(kind: str, reference: str, subjects: list[uuid.UUID], **extra: Any) -> DemandInput:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "authority": "United States District Court, Northern District of California",
        "jurisdiction": "US",
        "demand_type": kind,
        "their_reference": reference,
        "received_on": today - DEMO_AGE,
        "due_on": today + datetime.timedelta(days=11),
        "subjects": subjects,
        "categories": SUBSCRIBER,
        **extra,
    }
    return DemandInput(**values)


def _released(given: DemandInput, a: Any, b: Any) -> Demand:
    demand = start_review(demand=open_demand(given=given, handler=a, actor=a), actor=a)
    chosen = {s: list(given.categories) for s in given.subjects}
    release = prepare_release(demand=demand, categories=chosen, actor=a)
    approve_release(release=release, actor=b)
    return complete(demand=demand, actor=b)


def seed_legal_demo(*, subjects: list[uuid.UUID], staff_legal_a: Any, staff_legal_b: Any) -> str:
    """Seed the register (once: a second run changes nothing); a one-line summary."""
    if Demand.objects.filter(their_reference__startswith="DEMO-").exists():
        return "legal: the demo register exists already"
    a, b = staff_legal_a, staff_legal_b
    first, last = subjects[:1], subjects[-1:]
    _released(_given(DemandType.SUBPOENA, "DEMO-5:26-mj-70412", first), a, b)
    order = _given(
        DemandType.COURT_ORDER,
        "DEMO-2703d-1187",
        last,
        categories=RECORDS,
        notice_forbidden_until=timezone.localdate() + datetime.timedelta(days=180),
    )
    _released(order, a, b)
    held = open_demand(
        given=_given(DemandType.PRESERVATION, "DEMO-2703f-0093", last, categories=[]),
        handler=a,
        actor=a,
    )
    preserve(demand=start_review(demand=held, actor=a), actor=a)
    refused = open_demand(
        given=_given(DemandType.SEARCH_WARRANT, "DEMO-SW-4410", first, jurisdiction="RU"),
        handler=a,
        actor=a,
    )
    refuse_demand(demand=refused, actor=a, reason="No mutual legal assistance request: refused")
    published = _reports(a)
    return (
        "legal: a complied subpoena, a court order under a deferred notice, a preservation hold, "
        f"a refused warrant and the published {published} transparency report"
    )


def half_year(day: datetime.date) -> str:
    return f"{day.year}H{1 if day.month <= 6 else 2}"


def _reports(actor: Any) -> str:
    """Publish the demo's half-year if it has ended, else the one before it (and preview the
    current one); the period published."""
    period = half_year(timezone.localdate() - DEMO_AGE)
    start, end = period_bounds(period)
    if end >= timezone.localdate():
        save_report(period=period, actor=actor, publish=False)
        period = half_year(start - datetime.timedelta(days=1))
    if not TransparencyReport.objects.filter(period=period, published_at__isnull=False).exists():
        save_report(period=period, actor=actor, publish=True)
    return period
