"""The back office's incident pages: the list, a new incident, one incident (its clock, scope,
decision and notices), each viewing audited; every change is one service call."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientvault.incidents.access import staff_required
from clientvault.incidents.forms import DecisionForm, IncidentForm, ScopeForm, add_service_errors
from clientvault.incidents.models import Channel, Incident, NoticeStatus, Status
from clientvault.incidents.queries import incidents, notice_counts
from clientvault.incidents.services.clock import clock
from clientvault.incidents.services.draft import category_counts, regulator_draft
from clientvault.incidents.services.incidents import (
    close_incident,
    mark_regulator_notified,
    open_incident,
    record_decision,
)
from clientvault.incidents.services.letters import prepare_letters
from clientvault.incidents.services.notices import prepare_call_list, send_email_notices
from clientvault.incidents.services.scope import scope_incident
from clientvault.privacy.actors import Actor, login_names
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.taxonomy import CATEGORIES, category_label

PAGE = 25


def audit_view(request: HttpRequest, page: str, incident: Incident | None = None) -> None:
    actor: Actor = request.user  # type: ignore[assignment]
    record_event(action="incident.viewed", actor=actor, obj=incident, details={"page": page})


@require_GET
@staff_required
def staff_incidents(request: HttpRequest) -> HttpResponse:
    page = Paginator(incidents(), PAGE).get_page(request.GET.get("page"))
    audit_view(request, "list")
    return render(request, "incidents/staff/list.html", {"page": page})


@require_http_methods(["GET", "POST"])
@staff_required
def staff_new(request: HttpRequest) -> HttpResponse:
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = open_incident(facts=form.facts(), actor=request.user, handlers=[request.user])  # type: ignore[arg-type]
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Incident {made.reference} recorded.")
            return redirect("incidents:staff_incident", pk=made.pk)
    return render(request, "incidents/staff/new.html", {"form": form})


def _page_context(request: HttpRequest, incident: Incident) -> dict[str, object]:
    affected = incident.affected.order_by("id").values(
        "subject_id", "subject__reference", "how", "categories"
    )
    return {
        "incident": incident,
        "clock": clock(incident),
        "hours": current_profile().breach.regulator_hours,
        "channels": current_profile().breach.channels,
        "affected": with_letters(
            incident, Paginator(affected, PAGE).get_page(request.GET.get("page"))
        ),
        "people": incident.affected.count(),
        "by_how": dict(
            incident.affected.values("how").annotate(n=Count("id")).values_list("how", "n")
        ),
        "by_category": category_counts(incident),
        "notices": [(Channel(c).label, n) for c, n in notice_counts(incident).items()],
        "channel_labels": [Channel(c).label for c in current_profile().breach.channels],
        "scopes": _scopes(incident),
        "earlier": list(incident.decisions.all())[:-1],
        "live": incident.status != Status.CLOSED,
        "Channel": Channel,
    }


def _scopes(incident: Incident) -> list[Any]:
    """The incident's scope runs, each with the login's username where it still exists."""
    runs = list(incident.scopes.all())
    names = login_names([run.actor_id for run in runs if run.actor_id])
    for run in runs:
        run.login_name = names.get(run.actor_id, run.actor_id)  # type: ignore[attr-defined]
    return runs


def _labels(categories: list[str]) -> list[str]:
    return [category_label(c) if c in CATEGORIES else c for c in categories]


def with_letters(incident: Incident, page: Page[Any]) -> Page[Any]:
    """The page's people, each with their printed letter's notice id (to print it again)."""
    rows = list(page.object_list)
    letters = dict(
        incident.notices.filter(
            channel=Channel.LETTER,
            status=NoticeStatus.SENT,
            subject_id__in=[row["subject_id"] for row in rows],
        ).values_list("subject_id", "pk")
    )
    page.object_list = [
        row | {"letter": letters.get(row["subject_id"]), "labels": _labels(row["categories"])}
        for row in rows
    ]
    return page


@require_GET
@staff_required
def staff_incident(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    incident = get_object_or_404(Incident, pk=pk)
    audit_view(request, "incident", incident)
    context = _page_context(request, incident)
    context |= {"scope_form": ScopeForm(), "decision_form": DecisionForm()}
    return render(request, "incidents/staff/incident.html", context)


def _rerender(request: HttpRequest, incident: Incident, **forms: object) -> HttpResponse:
    context = _page_context(request, incident)
    context |= {"scope_form": ScopeForm(), "decision_form": DecisionForm(), **forms}
    return render(request, "incidents/staff/incident.html", context, status=400)


@require_POST
@staff_required
def staff_scope(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    incident = get_object_or_404(Incident, pk=pk)
    form = ScopeForm(request.POST)
    if form.is_valid():
        try:
            run = scope_incident(incident=incident, ask=form.ask(), actor=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Scoped: {run.subjects} people in {run.events} entries.")
            return redirect("incidents:staff_incident", pk=incident.pk)
    return _rerender(request, incident, scope_form=form)


@require_POST
@staff_required
def staff_decide(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    incident = get_object_or_404(Incident, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            record_decision(
                incident=incident,
                decision=data["decision"],
                reason=data["reason"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The decision is recorded.")
            return redirect("incidents:staff_incident", pk=incident.pk)
    return _rerender(request, incident, decision_form=form)


def _act(
    request: HttpRequest, pk: uuid.UUID, action: Callable[[Incident, Actor], str]
) -> HttpResponse:
    incident = get_object_or_404(Incident, pk=pk)
    try:
        done = action(incident, request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("incidents:staff_incident", pk=incident.pk)


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in counts.items()) + "."


@require_POST
@staff_required
def staff_notify(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    senders = {
        Channel.EMAIL: send_email_notices,
        Channel.LETTER: prepare_letters,
        Channel.TELEPHONE: prepare_call_list,
    }
    send = senders.get(request.POST.get("channel", ""))  # type: ignore[call-overload]
    if send is None:
        messages.error(request, "Channel: choose e-mail, letter or telephone.")
        return redirect("incidents:staff_incident", pk=pk)
    return _act(request, pk, lambda i, a: _counted(send(incident=i, actor=a)))


@require_POST
@staff_required
def staff_regulator_notified(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    def done(incident: Incident, actor: Actor) -> str:
        mark_regulator_notified(incident=incident, actor=actor)
        return "Recorded: the regulator was notified."

    return _act(request, pk, done)


@require_POST
@staff_required
def staff_close(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    def done(incident: Incident, actor: Actor) -> str:
        close_incident(incident=incident, actor=actor)
        return "The incident is closed."

    return _act(request, pk, done)


@require_GET
@staff_required
def staff_draft(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The regulator notification draft: a page, or ``?download=1`` as a text file."""
    incident = get_object_or_404(Incident, pk=pk)
    text = regulator_draft(incident)
    audit_view(request, "draft", incident)
    if request.GET.get("download"):
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        name = f"{incident.reference}-regulator-notification.txt"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "incidents/staff/draft.html", {"incident": incident, "text": text})
