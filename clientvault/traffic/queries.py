"""What the traffic pages and the usage API read: a site's figures for a period, summed over
every batch that reported them.

Days and months are UTC, as the logs' hours are stored. Figures about visitors (the
breakdowns: paths, browsers, ISP domains...) are folded into "other" at ingestion when fewer
than k visitors made them (USE-4); they are folded again here with the profile's current k, so
raising k also hides rows ingested before. Totals per site and day count requests, not people,
and are shown as they are. Nothing here writes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Case, CharField, F, Max, Min, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from clientvault.privacy.profile import current_profile
from clientvault.privacy.sites import HostedSite, owner_among, sites
from clientvault.traffic import timing
from clientvault.traffic.models import HOUR_COUNTS, OTHER, DayFigure, Dimension, HourTotal

UTC = datetime.UTC
MAX_DAYS = 366  # the longest period a page or the API shows by day
MAX_MONTHS = 60  # and by month
RECENT_DAYS = 30  # the sites list's and the usage summaries' window
DEFAULT_DAYS = 7  # the dashboard's first period: the last week with figures
TOP = 10  # rows of each breakdown; the rest are added to "other"
Period = Literal["day", "month"]
_COUNTS = HOUR_COUNTS


@dataclass(frozen=True)
class Days:
    """A period of whole UTC days, both ends included."""

    start: datetime.date
    end: datetime.date

    @property
    def count(self) -> int:
        return (self.end - self.start).days + 1

    def __iter__(self) -> Iterator[datetime.date]:
        return (self.start + datetime.timedelta(days=i) for i in range(self.count))

    def hours(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The first hour in the period and the first hour after it."""
        first = datetime.datetime.combine(self.start, datetime.time(), tzinfo=UTC)
        return first, first + datetime.timedelta(days=self.count)

    def within(self, first: datetime.date | None, last: datetime.date | None) -> Days | None:
        """The part of the period from ``first`` to ``last`` (None: no bound); None when the
        two do not meet."""
        start = max(self.start, first) if first else self.start
        end = min(self.end, last) if last else self.end
        return Days(start, end) if start <= end else None


def last_days(end: datetime.date, count: int) -> Days:
    return Days(end - datetime.timedelta(days=count - 1), end)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def months(days: Days) -> list[datetime.date]:
    """The first day of every month the period touches."""
    found, current = [], month_start(days.start)
    while current <= days.end:
        found.append(current)
        current = next_month(current)
    return found


def last_months(today: datetime.date, count: int) -> Days:
    """The ``count`` calendar months up to and including the one ``today`` is in."""
    start = month_start(today)
    for _ in range(count - 1):
        start = month_start(start - datetime.timedelta(days=1))
    return Days(start, next_month(today) - datetime.timedelta(days=1))


def today() -> datetime.date:
    return datetime.datetime.now(tz=UTC).date()


# -- totals -------------------------------------------------------------------------------------


@dataclass
class Totals:
    """One period's (a day's, a month's, a whole range's) totals of a site or a domain."""

    start: datetime.date | None = None
    hits: int = 0
    pages: int = 0
    visits: int = 0
    robot_hits: int = 0
    bytes: int = 0
    status_1xx: int = 0
    status_2xx: int = 0
    status_3xx: int = 0
    status_4xx: int = 0
    status_5xx: int = 0
    serve_ms: list[int] = field(default_factory=list)  # timing buckets; [] when none was timed

    def add(self, counts: Sequence[int], serve_ms: Sequence[int]) -> None:
        for name, value in zip(_COUNTS, counts, strict=True):
            setattr(self, name, getattr(self, name) + value)
        if serve_ms:
            self.serve_ms = timing.add([self.serve_ms, serve_ms])

    @property
    def errors(self) -> int:
        return self.status_4xx + self.status_5xx

    @property
    def served(self) -> int:
        """Requests answered without an error or a redirect (1xx and 2xx)."""
        return self.status_1xx + self.status_2xx

    @property
    def timed(self) -> int:
        return sum(self.serve_ms)

    def percentile(self, share: float) -> int | None:
        return timing.percentile(self.serve_ms, share) if self.serve_ms else None

    @property
    def p50(self) -> int | None:
        return self.percentile(0.50)

    @property
    def p95(self) -> int | None:
        return self.percentile(0.95)

    @property
    def p99(self) -> int | None:
        return self.percentile(0.99)


def site_filter(site: str) -> Q:
    return Q(site=site)


def domain_filter(domain: str) -> Q:
    """The domain's own figures and every subdomain's (www., shop., ...)."""
    return Q(site=domain) | Q(site__endswith="." + domain)


def _hour_rows(where: Q, days: Days) -> Iterable[tuple[Any, ...]]:
    first, after = days.hours()
    rows = HourTotal.objects.filter(where, hour__gte=first, hour__lt=after)
    return rows.values_list("hour", *_COUNTS, "serve_ms").iterator(chunk_size=2000)


def by_day(where: Q, days: Days | None) -> dict[datetime.date, Totals]:
    """Each day's totals of the matching sites ({} for no period)."""
    found: dict[datetime.date, Totals] = {}
    for hour, *counts, serve_ms in _hour_rows(where, days) if days else ():
        day = hour.astimezone(UTC).date()
        found.setdefault(day, Totals(start=day)).add(counts, serve_ms)
    return found


def each_day(days: Days, found: dict[datetime.date, Totals]) -> list[Totals]:
    """A row for every day of the period, empty where nothing was measured."""
    return [found.get(day) or Totals(start=day) for day in days]


def each_month(days: Days, found: dict[datetime.date, Totals]) -> list[Totals]:
    """The days' totals added up per month, a row for every month of the period."""
    rows = {month: Totals(start=month) for month in months(days)}
    for day, totals in found.items():
        rows[month_start(day)].add([getattr(totals, n) for n in _COUNTS], totals.serve_ms)
    return list(rows.values())


def overall(rows: Iterable[Totals], start: datetime.date | None = None) -> Totals:
    total = Totals(start=start)
    for row in rows:
        total.add([getattr(row, name) for name in _COUNTS], row.serve_ms)
    return total


# -- breakdowns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    value: str  # as stored; OTHER ("") for the folded rows
    hits: int  # requests, or visits for entry and exit pages
    errors: int

    @property
    def is_other(self) -> bool:
        return self.value == OTHER


_HEADINGS: dict[str, str] = {
    Dimension.BROWSER: "Browser",
    Dimension.SYSTEM: "System",
    Dimension.DEVICE: "Device",
    Dimension.ISP: "Domain",
}


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    rows: list[Share]  # the TOP values, most first
    other: Share | None  # everything else, and every value seen by fewer than k visitors

    @property
    def label(self) -> str:
        return str(Dimension(self.dimension).label)

    @property
    def counts_visits(self) -> bool:
        return self.dimension in (Dimension.ENTRY, Dimension.EXIT)

    @property
    def is_path(self) -> bool:
        return self.dimension in (Dimension.PATH, Dimension.ENTRY, Dimension.EXIT)

    @property
    def value_heading(self) -> str:
        return _HEADINGS.get(self.dimension, "Path")

    @property
    def count_heading(self) -> str:
        return "Visits" if self.counts_visits else "Requests"

    @property
    def total(self) -> int:
        return sum(row.hits for row in self.rows) + (self.other.hits if self.other else 0)

    @property
    def all_rows(self) -> list[Share]:
        return [*self.rows, *([self.other] if self.other else [])]


def _folded(k: int) -> Case:
    """A row's value, or OTHER when fewer than k visitors made it."""
    return Case(
        When(visitors__lt=k, then=Value(OTHER)), default=F("value"), output_field=CharField()
    )


def breakdown(site: str, days: Days, dimension: str, *, top: int = TOP) -> Breakdown:
    k = current_profile().traffic.k_anonymity
    rows = (
        DayFigure.objects.filter(site=site, dimension=dimension, day__range=(days.start, days.end))
        .annotate(shown=_folded(k))
        .values("shown")
        .annotate(total_hits=Sum("hits"), total_errors=Sum("errors"))
        .order_by("-total_hits", "shown")
    )
    shares = [Share(r["shown"], r["total_hits"] or 0, r["total_errors"] or 0) for r in rows]
    named = [share for share in shares if not share.is_other]
    rest = [share for share in shares if share.is_other] + named[top:]
    other = Share(OTHER, sum(s.hits for s in rest), sum(s.errors for s in rest)) if rest else None
    return Breakdown(dimension, named[:top], other)


def breakdowns(site: str, days: Days) -> list[Breakdown]:
    return [breakdown(site, days, dimension) for dimension in Dimension.values]


# -- one site, for the staff ---------------------------------------------------------------


def data_days(site: str) -> Days | None:
    """The first and last day with figures for the site; None when it has none."""
    found = HourTotal.objects.filter(site=site).aggregate(first=Min("hour"), last=Max("hour"))
    if found["first"] is None:
        return None
    return Days(found["first"].astimezone(UTC).date(), found["last"].astimezone(UTC).date())


def default_days(known: Days) -> Days:
    """The last DEFAULT_DAYS days with figures (fewer when the figures start later)."""
    start = max(known.start, known.end - datetime.timedelta(days=DEFAULT_DAYS - 1))
    return Days(start, known.end)


@dataclass
class Dashboard:
    site: str
    days: Days
    rows: list[Totals]  # one per day
    total: Totals
    breakdowns: list[Breakdown]

    @property
    def measured(self) -> bool:
        return self.total.hits > 0


def dashboard(site: str, days: Days) -> Dashboard:
    rows = each_day(days, by_day(site_filter(site), days))
    return Dashboard(site, days, rows, overall(rows, days.start), breakdowns(site, days))


def site_list(*, now: datetime.datetime, search: str = "") -> QuerySet[HourTotal, dict[str, Any]]:
    """Every site with figures, by name: its last hour with figures and its totals over the
    last RECENT_DAYS days (0 when it had none)."""
    recent = Q(hour__gte=now - datetime.timedelta(days=RECENT_DAYS))

    def recent_sum(expression: Any) -> Coalesce:
        return Coalesce(Sum(expression, filter=recent), 0)

    found = HourTotal.objects.filter(site__icontains=search.strip().lower()) if search else None
    rows = found if found is not None else HourTotal.objects.all()
    return (
        rows.values("site")
        .annotate(
            last=Max("hour"),
            visits=recent_sum("visits"),
            pages=recent_sum("pages"),
            hits=recent_sum("hits"),
            bytes_sent=recent_sum("bytes"),
            error_count=recent_sum(F("status_4xx") + F("status_5xx")),
        )
        .order_by("site")
    )


# -- a customer's service -----------------------------------------------------------------------


@dataclass
class Usage:
    site: HostedSite
    period: Period
    days: Days
    rows: list[Totals]  # one per day or per month
    total: Totals

    @property
    def measured(self) -> bool:
        return self.total.hits > 0


def _owner_test(site: HostedSite) -> Callable[[str, datetime.date], bool]:
    """Whether a host's figures of a day are the service's: each host's hours belong to one
    service only (``owner_among``), never to a newcomer on a domain another account serves,
    nor to the parent domain of a subdomain that is another service."""
    claims = sites().claims_under(site.domain)
    known: dict[tuple[str, datetime.date], bool] = {}

    def owns(host: str, day: datetime.date) -> bool:
        if (host, day) not in known:
            owner = owner_among(host, claims, day)
            known[host, day] = owner is not None and owner.reference == site.reference
        return known[host, day]

    return owns


def owned_by_day(site: HostedSite, days: Days | None) -> dict[datetime.date, Totals]:
    """Each day's totals of the service's domain and subdomains, of the hours that were its
    own ({} for no period, or a service that was never active)."""
    counted = days.within(site.since, site.until) if days and site.since else None
    if counted is None:
        return {}
    owns = _owner_test(site)
    found: dict[datetime.date, Totals] = {}
    for host, hour, *counts, serve_ms in _site_hour_rows(domain_filter(site.domain), counted):
        day = hour.astimezone(UTC).date()
        if owns(host, day):
            found.setdefault(day, Totals(start=day)).add(counts, serve_ms)
    return found


def _site_hour_rows(where: Q, days: Days) -> Iterable[tuple[Any, ...]]:
    first, after = days.hours()
    rows = HourTotal.objects.filter(where, hour__gte=first, hour__lt=after)
    return rows.values_list("site", "hour", *_COUNTS, "serve_ms").iterator(chunk_size=2000)


def usage(site: HostedSite, days: Days, period: Period = "day") -> Usage:
    """The service's domain and subdomains, per day or month: only the hours that were its
    own, from the day it became active to the day it ended (nothing for a pending service)."""
    found = owned_by_day(site, days)
    rows = each_day(days, found) if period == "day" else each_month(days, found)
    return Usage(site, period, days, rows, overall(rows, days.start))


def usage_summary(site: HostedSite, *, end: datetime.date) -> Totals:
    """The last RECENT_DAYS days' totals up to ``end`` (of the service's own hours)."""
    days = last_days(end, RECENT_DAYS)
    return overall(owned_by_day(site, days).values(), days.start)
