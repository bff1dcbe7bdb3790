"""Reading the register: the staff list by status, one demand's page, the published reports."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from clientvault.legal.models import Demand, Status, TransparencyReport
from clientvault.legal.services.preservation import demand_holds
from clientvault.legal.services.transparency import labelled
from clientvault.privacy.actors import login_names
from clientvault.privacy.taxonomy import CATEGORIES, category_label

FILTERS = {"open": ("received", "under_review", "challenged"), **{s: (s,) for s in Status.values}}


def register(show: str) -> QuerySet[Demand]:
    """The demands of one status (or the open ones, or all), the nearest due date first."""
    rows = Demand.objects.all()
    if show in FILTERS:
        rows = rows.filter(status__in=FILTERS[show])
    return rows.order_by("due_on", "created_at")


def demand_context(demand: Demand) -> dict[str, Any]:
    named = list(demand.subjects.select_related("subject"))
    for row in named:
        row.labels = [category_label(c) if c in CATEGORIES else c for c in row.categories]  # type: ignore[attr-defined]
    events = list(demand.events.all())
    names = login_names(e.actor_id for e in events)
    for event in events:
        event.by = names.get(event.actor_id, event.actor_id)  # type: ignore[attr-defined]
    return {
        "demand": demand,
        "named": named,
        "releases": list(demand.releases.select_related("prepared_by", "approved_by")),
        "holds": demand_holds(demand),
        "events": events,
        "Status": Status,
    }


def published_reports() -> list[dict[str, Any]]:
    reports = TransparencyReport.objects.filter(published_at__isnull=False)
    return [{"report": r, "figures": labelled(r.figures)} for r in reports]
