"""The back office's traffic pages (the analytics purpose): the sites, one site's dashboard for
a period, and the same figures as CSV.

Everything shown is an anonymous aggregate (no IP address, no pseudonym, no figure about fewer
than k visitors), so opening it is no access to anyone's record: nothing is logged or audited.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from clientvault.privacy.profile import current_profile
from clientvault.traffic import queries
from clientvault.traffic.access import staff_required
from clientvault.traffic.forms import PeriodForm, chosen_days
from clientvault.traffic.views import charting
from clientvault.traffic.views.csv_export import dashboard_csv, filename

PAGE = 25
SEARCH_LENGTH = 253  # the longest host name


@require_safe
@staff_required
def staff_traffic(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:SEARCH_LENGTH]
    found = queries.site_list(now=timezone.now(), search=search)
    page = Paginator(found, PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "search": search, "recent_days": queries.RECENT_DAYS}
    return render(request, "traffic/staff/sites.html", context)


def _known(site: str) -> queries.Days:
    known = queries.data_days(site)
    if known is None:
        raise Http404("no figures for this site")
    return known


def _context(
    site: str, known: queries.Days, form: PeriodForm, days: queries.Days | None
) -> dict[str, object]:
    context: dict[str, object] = {"site": site, "form": form, "known": known, "days": days}
    context["k"] = current_profile().traffic.k_anonymity
    if days is None:
        return context
    board = queries.dashboard(site, days)
    context["board"] = board
    context["visits_chart"] = charting.visits_chart(board.rows, "visits")
    context["requests_chart"] = charting.requests_chart(board.rows, "requests")
    context["serve_chart"] = charting.serve_chart(board.total, "serve")
    context["serve_buckets"] = charting.serve_buckets(board.total)
    return context


@require_safe
@staff_required
def staff_traffic_site(request: HttpRequest, site: str) -> HttpResponse:
    known = _known(site)
    form, days = chosen_days(request.GET, queries.default_days(known))
    return render(request, "traffic/staff/site.html", _context(site, known, form, days))


@require_safe
@staff_required
def staff_traffic_export(request: HttpRequest, site: str) -> HttpResponse:
    form, days = chosen_days(request.GET, queries.default_days(_known(site)))
    if days is None:
        problems = [str(error) for errors in form.errors.values() for error in errors]
        return HttpResponseBadRequest(
            "\n".join(problems) + "\n", content_type="text/plain; charset=utf-8"
        )
    board = queries.dashboard(site, days)
    response = HttpResponse(dashboard_csv(board), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(board)}"'
    return response
