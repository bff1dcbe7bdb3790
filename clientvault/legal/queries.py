"""Reading the register: the staff list by status, one demand's page, the published reports."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from clientvault.legal.models import Demand, Status, TransparencyReport
from clientvault.legal.services.preservation import demand_holds
from clientvault.legal.services.transparency import labelled

FILTERS = {"open": ("received", "under_review", "challenged"), **{s: (s,) for s in Status.values}}


def register(show: str) -> QuerySet[Demand]:
    """The demands of one status (or the open ones, or all), the nearest due date first."""
    rows = Demand.objects.all()
    if show in FILTERS:
        rows = rows.filter(status__in=FILTERS[show])
    return rows.order_by("due_on", "created_at")


def demand_context(demand: Demand) -> dict[str, Any]:
    named = list(demand.subjects.select_related("subject"))
    return {
        "demand": demand,
        "named": named,
        "releases": list(demand.releases.select_related("prepared_by", "approved_by")),
        "holds": demand_holds(demand),
        "events": list(demand.events.all()),
        "Status": Status,
    }


def published_reports() -> list[dict[str, Any]]:
    reports = TransparencyReport.objects.filter(published_at__isnull=False)
    return [{"report": r, "figures": labelled(r.figures)} for r in reports]
