"""The customer area's privacy pages: what we hold, who received it, choices, requests (RGT-1)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from clientvault.privacy.directory import Identity
from clientvault.privacy.models import Subject
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.consent import current_consent
from clientvault.privacy.services.disclosures import disclosures_visible_to
from clientvault.privacy.services.holdings import categories_held
from clientvault.privacy.taxonomy import Purpose
from clientvault.rights.access import ask_password, customer_required
from clientvault.rights.forms import CodeForm, CustomerAskForm, add_service_errors
from clientvault.rights.models import Channel, ExportFormat, RightsRequest, Status
from clientvault.rights.queries import live_export, owned_request, visible_to
from clientvault.rights.services.exports import render as render_export
from clientvault.rights.services.intake import ask_as_customer
from clientvault.rights.services.progress import withdraw
from clientvault.rights.services.verification import (
    needs_code,
    send_code,
    verify_code,
    verify_signed_in,
)

PAGE = 20


def _choices(subject: Subject) -> list[tuple[str, bool]]:
    profile = current_profile()
    offered = [Purpose.MARKETING]
    if profile.partners != "never":
        offered.append(Purpose.PARTNER_SHARING)
    return [(p.label, current_consent(subject=subject, purpose=p)) for p in offered]


@customer_required
def privacy(request: HttpRequest, identity: Identity) -> HttpResponse:
    """Your privacy: what we hold, who received it, your choices, your requests."""
    subject = Subject.objects.get(pk=identity.subject_id)
    context = {
        "person": identity,
        "categories": categories_held(subject_id=subject.pk),
        "disclosures": disclosures_visible_to(subject=subject, today=timezone.localdate()),
        "choices": _choices(subject),
        "requests": visible_to(identity)[:PAGE],
        "rules": current_profile().rights,
    }
    return render(request, "rights/privacy.html", context)


@require_http_methods(["GET", "POST"])
@customer_required
def new_request(request: HttpRequest, identity: Identity) -> HttpResponse:
    """Ask; the password typed just before verifies all but an erasure at once."""
    refusal = ask_password(request) if request.method == "GET" else None
    if refusal:
        messages.info(request, "Please type your password again: it confirms the request is yours.")
        return refusal
    form = CustomerAskForm(request.POST or None, identity=identity, initial=request.GET)
    if request.method == "POST" and form.is_valid():
        try:
            made = ask_as_customer(
                identity=identity,
                ask=form.ask(form.scope()),
                actor=request.user,  # type: ignore[arg-type]
                channel=Channel.ACCOUNT,
                subject_id=form.person(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _verify_at_once(request, made)
            return redirect("rights:request", pk=made.pk)
    context = {"person": identity, "form": form}
    return render(request, "rights/new_request.html", context)


def _verify_at_once(request: HttpRequest, made: RightsRequest) -> None:
    messages.success(request, f"We received your request {made.reference}.")
    if not needs_code(made) and ask_password(request) is None:
        verify_signed_in(request=made, actor=request.user)  # type: ignore[arg-type]


@customer_required
def request_page(request: HttpRequest, identity: Identity, pk: uuid.UUID) -> HttpResponse:
    made = owned_request(identity, pk)
    context = {
        "person": identity,
        "made": made,
        "events": made.events.all(),
        "export": live_export(made),
        "needs_code": needs_code(made),
        "code_form": CodeForm(),
        "can_withdraw": made.may_become(Status.WITHDRAWN),
    }
    return render(request, "rights/request.html", context)


@require_POST
@customer_required
def confirm(request: HttpRequest, identity: Identity, pk: uuid.UUID) -> HttpResponse:
    """Verify with the password typed again (access, correction, objection)."""
    made = owned_request(identity, pk)
    here = reverse("rights:request", args=[made.pk])
    refusal = ask_password(request, then=here)
    if refusal:
        messages.info(request, "Type your password, then confirm the request again.")
        return refusal
    try:
        verify_signed_in(request=made, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(here)


def _act(
    request: HttpRequest, made: RightsRequest, action: Callable[[], object], done: str
) -> HttpResponse:
    """Run one service call for the request; its refusal or ``done`` as a message, then back."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("rights:request", pk=made.pk)


@require_POST
@customer_required
def send(request: HttpRequest, identity: Identity, pk: uuid.UUID) -> HttpResponse:
    made = owned_request(identity, pk)
    sent = "We sent a code to your e-mail address on record."
    return _act(request, made, lambda: send_code(request=made), sent)


@require_POST
@customer_required
def enter_code(request: HttpRequest, identity: Identity, pk: uuid.UUID) -> HttpResponse:
    made = owned_request(identity, pk)
    form = CodeForm(request.POST)
    code = str(form.cleaned_data["code"]) if form.is_valid() else ""
    actor = request.user

    def verify() -> object:
        if not code:
            raise ValidationError({"code": "Code: type the code from the e-mail."})
        return verify_code(request=made, code=code, actor=actor)  # type: ignore[arg-type]

    return _act(request, made, verify, "Thank you: your request is verified.")


@require_POST
@customer_required
def withdraw_request(request: HttpRequest, identity: Identity, pk: uuid.UUID) -> HttpResponse:
    made = owned_request(identity, pk)
    actor = request.user
    done = f"Request {made.reference} is withdrawn."
    return _act(request, made, lambda: withdraw(request=made, actor=actor), done)  # type: ignore[arg-type]


@customer_required
def download(request: HttpRequest, identity: Identity, pk: uuid.UUID, fmt: str) -> HttpResponse:
    """The request's export, for its person (or one with the account's privacy permission)."""
    made = owned_request(identity, pk)
    export = live_export(made)
    if export is None or fmt not in ExportFormat.values:
        raise Http404("no export to download")
    content, content_type, name = render_export(export=export, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
