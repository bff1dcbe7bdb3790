"""The transparency report: a half-year's demands and disclosures, counted from the registers
(the demand register and the kernel's disclosure register), never kept by hand."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections import Counter
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from clientvault.legal import tiers
from clientvault.legal.models import (
    Demand,
    DemandType,
    Package,
    Release,
    ReleaseStatus,
    Status,
    TransparencyReport,
)
from clientvault.legal.services.refusals import refuse
from clientvault.privacy.actors import Actor
from clientvault.privacy.directory import directory
from clientvault.privacy.models import Disclosure
from clientvault.privacy.services.audit import record_event

PERIOD = re.compile(r"(\d{4})H([12])")
OUTCOMES = (Status.REFUSED, Status.PARTIALLY_COMPLIED, Status.FULLY_COMPLIED)


class BadPeriod(ValueError):
    """The period is not a half-year such as 2026H2."""


def period_bounds(period: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a half-year (``2026H2`` → 1 July to 31 December 2026)."""
    found = PERIOD.fullmatch(period.strip().upper())
    if not found or not 2000 <= int(found.group(1)) <= 2999:
        raise BadPeriod(f"--period: {period!r} is not a half-year such as 2026H2.")
    year, half = int(found.group(1)), int(found.group(2))
    if half == 1:
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    return datetime.date(year, 7, 1), datetime.date(year, 12, 31)


def _disclosures(demands: Any) -> list[Disclosure]:
    linked = Package.objects.filter(release__demand__in=demands).values("disclosure_id")
    return list(Disclosure.objects.filter(pk__in=linked))


def _accounts(disclosed: list[Disclosure]) -> int:
    """Distinct accounts the disclosures were about (a person without one counts alone)."""
    people = directory()
    subjects = {d.subject_id for d in disclosed}  # each person looked up once
    return len({people.account_of(s) or str(s) for s in subjects})


def _demands_with_content(demands: Any) -> int:
    """Demands whose approved releases included content (one per demand, not per person)."""
    released = Release.objects.filter(demand__in=demands).exclude(status=ReleaseStatus.PREPARED)
    with_content = {
        r.demand_id
        for r in released.only("demand_id", "categories")
        if any(tiers.has_content(c) for c in r.categories.values())
    }
    return len(with_content)


def compute_figures(period: str) -> dict[str, Any]:
    """The counts for the period, in a stable order."""
    start, end = period_bounds(period)
    demands = Demand.objects.filter(received_on__gte=start, received_on__lte=end)
    rows = list(demands.values_list("demand_type", "jurisdiction", "status"))
    statuses = Counter(status for _, _, status in rows)
    types = Counter(demand_type for demand_type, _, _ in rows)
    disclosed = _disclosures(demands)
    return {
        "period": period.strip().upper(),
        "from": start.isoformat(),
        "to": end.isoformat(),
        "demands": len(rows),
        "by_type": {t: types[t] for t in DemandType.values if types[t]},
        "by_country": dict(sorted(Counter(r[1] for r in rows).items())),
        "outcomes": {
            **{str(s): statuses[s] for s in OUTCOMES},
            "open": sum(n for s, n in statuses.items() if s not in OUTCOMES),
        },
        "accounts_affected": _accounts(disclosed),
        "disclosures": len(disclosed),
        "demands_with_content_released": _demands_with_content(demands),
    }


def _save_problem(period: str, publish: bool) -> tuple[str, str] | None:
    code = period.strip().upper()
    if TransparencyReport.objects.filter(period=code, published_at__isnull=False).exists():
        return (
            "report_published",
            f"--period: the {code} report is published; its figures are frozen.",
        )
    if publish and period_bounds(code)[1] >= timezone.localdate():
        return (
            "period_not_ended",
            f"--publish: {code} has not ended yet; preview it without --publish.",
        )
    return None


def save_report(*, period: str, actor: Actor | None, publish: bool) -> TransparencyReport:
    """Compute the period's figures and keep them; publish them on the public page if asked.
    A published report is frozen, and only a half-year that has ended is published."""
    problem = _save_problem(period, publish)
    if problem:
        raise refuse(rule=problem[0], message=problem[1], actor=actor, field="period")
    figures = compute_figures(period)
    now = timezone.now()
    with transaction.atomic():
        report, _ = TransparencyReport.objects.update_or_create(
            period=figures["period"], defaults={"figures": figures, "computed_at": now}
        )
        if publish:
            report.published_at = now
            report.save(update_fields=["published_at"])
        record_event(
            action="legal.report_saved",
            actor=actor,
            obj=report,
            details={"published": report.published_at is not None},
        )
    return report


def as_json(figures: dict[str, Any]) -> str:
    return json.dumps(figures, indent=2, sort_keys=False)


def as_csv(figures: dict[str, Any]) -> str:
    """One line per figure: section, key, count."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "key", "count"])
    writer.writerow(["demands", "total", figures["demands"]])
    for section in ("by_type", "by_country", "outcomes"):
        for key, count in figures[section].items():
            writer.writerow([section, key, count])
    for key in ("accounts_affected", "disclosures", "demands_with_content_released"):
        writer.writerow(["disclosures", key, figures[key]])
    return out.getvalue()


def as_html(figures: dict[str, Any]) -> str:
    return render_to_string("legal/report.html", {"figures": labelled(figures)})


def labelled(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures with readable labels for the page and the HTML file."""
    types = dict(DemandType.choices)
    outcomes = dict(Status.choices)
    return {
        **figures,
        "type_rows": [(types.get(k, k), n) for k, n in figures.get("by_type", {}).items()],
        "country_rows": list(figures.get("by_country", {}).items()),
        "outcome_rows": [
            (outcomes.get(k, "Still open"), n) for k, n in figures.get("outcomes", {}).items()
        ],
    }
