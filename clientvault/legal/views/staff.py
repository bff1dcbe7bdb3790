"""The legal team's pages: the register, a new demand, one demand with its actions, preparing
and approving a release (four eyes), preservation."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from clientvault.legal.access import staff_required
from clientvault.legal.forms import (
    DemandForm,
    NoticeForm,
    ReasonForm,
    ReleaseForm,
    add_service_errors,
)
from clientvault.legal.models import Demand, Release, ReleaseStatus, Status
from clientvault.legal.queries import FILTERS, demand_context, register
from clientvault.legal.services.demands import (
    challenge,
    complete,
    open_demand,
    refuse_demand,
    start_review,
)
from clientvault.legal.services.notices import extend_notice_deferral
from clientvault.legal.services.packages import package_link
from clientvault.legal.services.preservation import preserve, release_preservation
from clientvault.legal.services.releases import approve_release, prepare_release
from clientvault.privacy.actors import Actor

PAGE = 25
# The package link's secret is shown once: approving puts it in the session only for the one
# redirect that follows, and the next release page pops it, whatever release it shows,
# so it never lingers in the session (only its digest is kept anywhere else).
LINK_KEY = "legal_package_link"


@staff_required
def staff_demands(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("status", "open")
    show = show if show in FILTERS or show == "all" else "open"
    page = Paginator(register(show), PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "rows": list(page), "show": show, "statuses": Status.choices}
    return render(request, "legal/staff/demands.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def staff_demand_new(request: HttpRequest) -> HttpResponse:
    form = DemandForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            demand = open_demand(
                given=form.demand(),
                handler=request.user,
                actor=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Demand {demand.reference} recorded.")
            return redirect("legal:staff_demand", pk=demand.pk)
    return render(request, "legal/staff/new_demand.html", {"form": form})


def _reason_form(prefix: str, label: str) -> ReasonForm:
    form = ReasonForm(prefix=prefix)
    form.fields["reason"].label = label
    return form


@staff_required
def staff_demand(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    demand = get_object_or_404(Demand, pk=pk)
    context = {
        **demand_context(demand),
        "challenge_form": _reason_form("challenge", "Why the demand is challenged"),
        "refuse_form": _reason_form("refuse", "Why the demand is refused"),
        "complete_form": _reason_form("complete", "Note on completion (why only part, if so)"),
        "notice_form": NoticeForm(prefix="notice"),
    }
    return render(request, "legal/staff/demand.html", context)


def _act(
    request: HttpRequest, pk: uuid.UUID, action: Callable[[Demand, Actor], object], done: str
) -> HttpResponse:
    demand = get_object_or_404(Demand, pk=pk)
    try:
        action(demand, request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("legal:staff_demand", pk=demand.pk)


def _reason(request: HttpRequest, prefix: str) -> str:
    form = ReasonForm(request.POST, prefix=prefix)
    return str(form.cleaned_data["reason"]) if form.is_valid() else ""


@require_POST
@staff_required
def staff_demand_review(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _act(request, pk, lambda d, a: start_review(demand=d, actor=a), "Under review.")


@require_POST
@staff_required
def staff_demand_challenge(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    reason = _reason(request, "challenge")
    action = lambda d, a: challenge(demand=d, actor=a, reason=reason)  # noqa: E731
    return _act(request, pk, action, "The demand is challenged.")


@require_POST
@staff_required
def staff_demand_refuse(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    reason = _reason(request, "refuse")
    action = lambda d, a: refuse_demand(demand=d, actor=a, reason=reason)  # noqa: E731
    return _act(request, pk, action, "The demand is refused.")


@require_POST
@staff_required
def staff_demand_complete(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    reason = _reason(request, "complete")
    action = lambda d, a: complete(demand=d, actor=a, reason=reason)  # noqa: E731
    return _act(request, pk, action, "The demand is closed.")


@require_POST
@staff_required
def staff_demand_preserve(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    action = lambda d, a: preserve(demand=d, actor=a)  # noqa: E731
    return _act(request, pk, action, "The people named are held (preservation).")


@require_POST
@staff_required
def staff_demand_unpreserve(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    action = lambda d, a: release_preservation(demand=d, actor=a)  # noqa: E731
    return _act(request, pk, action, "The preservation holds are ended.")


@require_POST
@staff_required
def staff_demand_notice(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    form = NoticeForm(request.POST, prefix="notice")
    if not form.is_valid():
        demand = get_object_or_404(Demand, pk=pk)
        messages.error(request, "Notice forbidden until: enter the date the order now gives.")
        return redirect("legal:staff_demand", pk=demand.pk)
    until = form.cleaned_data["until"]
    action = lambda d, a: extend_notice_deferral(demand=d, until=until, actor=a)  # noqa: E731
    return _act(request, pk, action, "The order's new date is recorded; the notice waits for it.")


@require_http_methods(["GET", "POST"])
@staff_required
def staff_release_prepare(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    demand = get_object_or_404(Demand, pk=pk)
    named = [(s.subject, list(s.categories)) for s in demand.subjects.select_related("subject")]
    form = ReleaseForm(request.POST or None, named=named)
    if request.method == "POST" and form.is_valid():
        try:
            release = prepare_release(
                demand=demand,
                categories=form.chosen(),
                actor=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The release is prepared: a second person must approve it.")
            return redirect("legal:staff_release", pk=release.pk)
    return render(request, "legal/staff/prepare.html", {"demand": demand, "form": form})


@staff_required
def staff_release(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    release = get_object_or_404(Release.objects.select_related("demand"), pk=pk)
    kept = request.session.pop(LINK_KEY, None)  # popped on first display: shown once
    link = kept["link"] if kept and kept.get("release") == str(release.pk) else ""
    context = {
        "release": release,
        "demand": release.demand,
        "link": link,
        "is_preparer": release.prepared_by_id == request.user.pk,
        "packages": list(release.packages.select_related("subject")),
        "ReleaseStatus": ReleaseStatus,
    }
    return render(request, "legal/staff/release.html", context)


@require_POST
@staff_required
def staff_release_approve(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    release = get_object_or_404(Release.objects.select_related("demand"), pk=pk)
    try:
        _, secret = approve_release(release=release, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        link = package_link(release, secret)
        request.session[LINK_KEY] = {"release": str(release.pk), "link": link}  # one redirect
        messages.success(request, "Approved: the disclosures are recorded and the package made.")
    return redirect("legal:staff_release", pk=release.pk)
