"""``/api/v1/hosting/services/{reference}/usage``: a service's usage by day or by month.

Beside the service's other operations (clientvault/hosting/api.py), with the same rule: the
``services`` permission on the account, the service found through the token's own account (an
unknown reference or another account's answers 404; a staff token 404; an authorised user
without the permission 403). The figures are the customer area's: the service's domain and
its subdomains (those no other service hosts), counted from the web server's logs, UTC days,
nothing from before the service became active or after it ended. Processing power is
``null``: no source reports it yet.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from clientvault.accounts.api import api_person, needs, request_user
from clientvault.accounts.schemas import Error, ValidationErrors
from clientvault.privacy.sites import HostedSite, sites
from clientvault.traffic import queries
from clientvault.traffic.access import SERVICES, account_of
from clientvault.traffic.forms import period_problems

usage_router = Router(tags=["hosting"])
DEFAULT_DAYS = queries.RECENT_DAYS
DEFAULT_MONTHS = 12


class UsageQuery(Schema):
    period: Literal["day", "month"] = Field(
        "day", description="One row per day, or per calendar month."
    )
    start: datetime.date | None = Field(
        None,
        alias="from",
        description="The first day (YYYY-MM-DD, UTC), from 2000 on. By day: 30 days before "
        "`to` by default; by month: its month is the first, 11 months before `to`'s by default.",
    )
    end: datetime.date | None = Field(
        None,
        alias="to",
        description="The last day (YYYY-MM-DD, UTC), up to 2099; today by default. By month: "
        "its month is the last.",
    )


class TimeToServeOut(Schema):
    timed_requests: int = Field(description="Requests whose time to serve the log recorded.")
    p50_ms: int = Field(description="Half of them were served within this many ms.")
    p95_ms: int = Field(description="95% of them were served within this many ms.")
    p99_ms: int = Field(description="99% of them were served within this many ms.")


class UsageRowOut(Schema):
    start: datetime.date = Field(description="The day, or the month's first day.")
    end: datetime.date = Field(description="The same day, or the month's last day.")
    bandwidth_bytes: int = Field(description="Data sent in answers, in bytes.")
    requests: int = Field(description="Every request, robots' included.")
    errors: int = Field(description="Requests answered with a 4xx or 5xx status.")
    time_to_serve: TimeToServeOut | None = Field(
        description="null when the logs did not record it."
    )
    cpu_seconds: float | None = Field(
        description="Processing power used, where a source reports it; none does yet, so it "
        "is always null (never an estimate)."
    )


class UsageOut(Schema):
    reference: str
    domain: str = Field(description="Counted for this domain and its subdomains (A-labels).")
    period: Literal["day", "month"]
    start: datetime.date = Field(description="The first day counted.")
    end: datetime.date = Field(description="The last day counted.")
    rows: list[UsageRowOut] = Field(description="Oldest first, one for every day or month.")
    total: UsageRowOut


def _site(request: HttpRequest, reference: str) -> HostedSite:
    api_person(request, SERVICES)
    site = sites().site_of(account_of(request_user(request)), reference)
    if site is None:
        raise Http404("no such service")
    return site


def _days(query: UsageQuery) -> queries.Days:
    """The period asked for, whole months by month; ValidationError naming the field."""
    end = query.end or queries.today()
    if query.period == "month":
        start = query.start or queries.last_months(end, DEFAULT_MONTHS).start
        problems = period_problems(start, end, queries.MAX_MONTHS, "months")
        start, end = queries.month_start(start), queries.next_month(end) - datetime.timedelta(1)
    else:
        start = query.start or queries.last_days(end, DEFAULT_DAYS).start
        problems = period_problems(start, end, queries.MAX_DAYS)
    if problems:
        raise ValidationError({name: [message] for name, message in problems.items()})
    return queries.Days(start, end)


def _last_day(start: datetime.date, period: str) -> datetime.date:
    return queries.next_month(start) - datetime.timedelta(1) if period == "month" else start


def _row(totals: queries.Totals, start: datetime.date, end: datetime.date) -> UsageRowOut:
    return UsageRowOut(
        start=start,
        end=end,
        bandwidth_bytes=totals.bytes,
        requests=totals.hits,
        errors=totals.errors,
        time_to_serve=_timing(totals),
        cpu_seconds=None,
    )


def _timing(totals: queries.Totals) -> TimeToServeOut | None:
    if not totals.timed:
        return None
    return TimeToServeOut(
        timed_requests=totals.timed,
        p50_ms=totals.p50 or 0,
        p95_ms=totals.p95 or 0,
        p99_ms=totals.p99 or 0,
    )


@usage_router.get(
    "/hosting/services/{reference}/usage",
    response={200: UsageOut, 403: Error, 404: Error, 422: ValidationErrors},
    summary="One of your services' usage, by day or by month",
    description="Data sent, requests, errors and time to serve of the service's domain and its "
    "subdomains no other service hosts, from the web server's logs (UTC days; nothing from "
    "before the service became active or after it ended). At most 366 days by day, 60 months "
    "by month. 422 names the parameter that is wrong (`from`, `to` or `period`).",
    operation_id="get_service_usage",
    openapi_extra=needs(SERVICES),
)
def service_usage(request: HttpRequest, reference: str, query: Query[UsageQuery]) -> UsageOut:
    site = _site(request, reference)
    days = _days(query)
    found = queries.usage(site, days, query.period)
    return UsageOut(
        reference=site.reference,
        domain=site.domain,
        period=query.period,
        start=days.start,
        end=days.end,
        rows=[
            _row(row, row.start, _last_day(row.start, query.period))
            for row in found.rows
            if row.start is not None
        ],
        total=_row(found.total, days.start, days.end),
    )
