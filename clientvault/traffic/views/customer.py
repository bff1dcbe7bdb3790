"""The customer area's usage pages: every service with a domain and its last 30 days, and one
service's usage by day and by month.

They need the services permission (as the service page does); a service is found through the
signed-in person's own account, so another account's answers 404. Figures of the service's
domain from before the service became active or after it ended, or of a subdomain another
service hosts, are never shown (they are another owner's).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from clientvault.privacy.sites import HostedSite, sites
from clientvault.traffic import queries
from clientvault.traffic.access import account_of, customer_required
from clientvault.traffic.views import charting

DAYS = queries.RECENT_DAYS  # the page's days, up to today
MONTHS = 12  # and its months, up to this one


@require_safe
@customer_required
def usage(request: HttpRequest, person: Any) -> HttpResponse:
    end = queries.today()
    services = [
        (site, queries.usage_summary(site, end=end))
        for site in sites().sites_of(account_of(request.user))
    ]
    context = {"person": person, "services": services, "recent_days": DAYS}
    return render(request, "traffic/area/usage.html", context)


def _own_site(request: HttpRequest, reference: str) -> HostedSite:
    site = sites().site_of(account_of(request.user), reference)
    if site is None:
        raise Http404("no such service")
    return site


@require_safe
@customer_required
def service_usage(request: HttpRequest, person: Any, reference: str) -> HttpResponse:
    site = _own_site(request, reference)
    today = queries.today()
    daily = queries.usage(site, queries.last_days(today, DAYS), "day")
    monthly = queries.usage(site, queries.last_months(today, MONTHS), "month")
    context = {
        "person": person,
        "site": site,
        "daily": daily,
        "monthly": monthly,
        "this_month": monthly.rows[-1],
        "allowance_bytes": site.bandwidth_mb * 1_000_000,
        "charts": {
            "daily_data": charting.bandwidth_chart(daily.rows, "daily-data"),
            "daily_requests": charting.requests_chart(daily.rows, "daily-requests"),
            "monthly_data": charting.bandwidth_chart(monthly.rows, "monthly-data", "month"),
            "monthly_requests": charting.requests_chart(monthly.rows, "monthly-requests", "month"),
        },
    }
    return render(request, "traffic/area/service_usage.html", context)
