"""The back office's privacy requests: the queue by deadline, one request, staff entry."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from clientvault.privacy.actors import Actor
from clientvault.privacy.services.access import record_access
from clientvault.rights.access import STAFF_PURPOSE, staff_required
from clientvault.rights.forms import ReasonForm, StaffAskForm, add_service_errors
from clientvault.rights.models import Kind, RightsRequest, Status, Verification
from clientvault.rights.queries import counts, find_subject, flagged, live_export, queue
from clientvault.rights.services.intake import ask_for_caller
from clientvault.rights.services.progress import approve_correction, extend, refuse, run_again
from clientvault.rights.services.verification import mark_verified, send_code

PAGE = 25


@staff_required
def requests_queue(request: HttpRequest) -> HttpResponse:
    show = "all" if request.GET.get("show") == "all" else "open"
    page = Paginator(queue(show=show), PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "rows": flagged(list(page)), "show": show, "counts": counts()}
    return render(request, "rights/staff/queue.html", context)


@staff_required
def request_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    made = get_object_or_404(RightsRequest, pk=pk)
    record_access(
        actor=request.user,  # type: ignore[arg-type]
        subject_id=made.subject_id or made.requester_id,
        purpose=STAFF_PURPOSE,
        what="rights.request",
    )
    context = {
        "made": made,
        "events": made.events.all(),
        "export": live_export(made),
        "checked_form": _reason_form("checked", "How you checked the person's identity"),
        "refuse_form": _reason_form("refuse", "Why it is refused (the requester is told)"),
        "extend_form": _reason_form("extend", "Why more time is needed (the requester is told)"),
        "is_correction": made.kind == Kind.CORRECTION,
        "Status": Status,
    }
    return render(request, "rights/staff/request.html", context)


def _reason_form(prefix: str, label: str) -> ReasonForm:
    """One action's reason, labelled for that action (the page has three)."""
    form = ReasonForm(prefix=prefix)
    form.fields["reason"].label = label
    return form


@require_http_methods(["GET", "POST"])
@staff_required
def new_request(request: HttpRequest) -> HttpResponse:
    """Enter a request made by telephone, letter or e-mail."""
    form = StaffAskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subject_id = _subject(form.cleaned_data["who"])
            made = ask_for_caller(
                subject_id=subject_id,
                channel=form.cleaned_data["channel"],
                ask=form.ask(),
                actor=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Request {made.reference} recorded.")
            return redirect("rights:privacy_request", pk=made.pk)
    return render(request, "rights/staff/new_request.html", {"form": form})


def _subject(who: str) -> uuid.UUID:
    try:
        return find_subject(who)
    except ValueError as error:
        raise ValidationError({"who": str(error)}) from None


def _act(
    request: HttpRequest, pk: uuid.UUID, action: Callable[[RightsRequest, Actor], object], done: str
) -> HttpResponse:
    made = get_object_or_404(RightsRequest, pk=pk)
    try:
        action(made, request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("rights:privacy_request", pk=made.pk)


def _reason(request: HttpRequest, prefix: str) -> str:
    form = ReasonForm(request.POST, prefix=prefix)
    if not form.is_valid():
        raise ValidationError({"reason": "Reason: say why; the requester is told."})
    return str(form.cleaned_data["reason"])


@require_POST
@staff_required
def send_code_view(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _act(
        request, pk, lambda r, a: send_code(request=r), "A code went to the address on record."
    )


@require_POST
@staff_required
def checked(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Staff checked the person's identity themselves (a letter with proof, say)."""

    def verify(made: RightsRequest, actor: Actor) -> object:
        reason = _reason(request, "checked")
        return mark_verified(request=made, how=Verification.STAFF, actor=actor, reason=reason)

    return _act(request, pk, verify, "The request is verified.")


@require_POST
@staff_required
def approve(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _act(request, pk, lambda r, a: approve_correction(request=r, actor=a), "Corrected.")


@require_POST
@staff_required
def refuse_view(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    action = lambda r, a: refuse(request=r, actor=a, reason=_reason(request, "refuse"))  # noqa: E731
    return _act(request, pk, action, "The request is refused; the requester is told why.")


@require_POST
@staff_required
def extend_view(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    action = lambda r, a: extend(request=r, actor=a, reason=_reason(request, "extend"))  # noqa: E731
    return _act(request, pk, action, "The deadline is extended; the requester is told why.")


@require_POST
@staff_required
def retry(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Start a verified request, or queue again one paused by a hold or a blocker."""
    action = lambda r, a: run_again(request=r, actor=a)  # noqa: E731
    return _act(request, pk, action, "The work is queued.")
