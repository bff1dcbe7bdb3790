"""Pages for people without a login: the request form (also for authorised agents), the code
page, and the e-mailed download link of an export."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from clientvault.accounts import throttle
from clientvault.privacy.actors import SystemActor
from clientvault.rights.forms import CodeForm, PublicAskForm, add_service_errors
from clientvault.rights.models import Channel, ExportFormat, RightsRequest, Status
from clientvault.rights.services.exports import find_by_secret
from clientvault.rights.services.exports import render as render_export
from clientvault.rights.services.intake import ask_publicly
from clientvault.rights.services.verification import verify_code

PUBLIC = SystemActor("public_form")
# Throttled like sign-in (accounts.throttle): requests and codes from one address.
ASK_IP = throttle.Rule("rights-ask-ip", 10)
CODE_IP = throttle.Rule("rights-code-ip", 20)


def _refusal(request: HttpRequest, rule: throttle.Rule) -> str:
    """The "too many attempts" sentence when the address is over ``rule``'s limit, else ""."""
    verdict = throttle.reserve((rule, throttle.client_ip(request)))
    return "" if verdict.allowed else verdict.message


@require_http_methods(["GET", "POST"])
def public_request(request: HttpRequest) -> HttpResponse:
    """Ask without a login, for oneself or as an agent; a code goes to the address on record."""
    form = PublicAskForm(request.POST or None, request.FILES or None)
    refusal = _refusal(request, ASK_IP) if request.method == "POST" else ""
    if refusal:
        form.add_error(None, refusal)
    elif request.method == "POST" and form.is_valid():
        try:
            made = ask_publicly(
                ask=form.ask(),
                person=form.person(),
                actor=PUBLIC,
                agent=form.agent(),
                permission=form.upload(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("rights:public_verify", pk=made.pk)
    return render(request, "rights/public_request.html", {"form": form})


@require_http_methods(["GET", "POST"])
def public_verify(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Type the code. The page reads the same whether anyone matched or not."""
    made = RightsRequest.objects.filter(pk=pk, channel=Channel.PUBLIC_FORM).first()
    if made is None:
        raise Http404("no such request")
    form = CodeForm(request.POST or None)
    refusal = _refusal(request, CODE_IP) if request.method == "POST" else ""
    if refusal:
        form.add_error(None, refusal)
    elif request.method == "POST" and form.is_valid():
        try:
            verify_code(request=made, code=form.cleaned_data["code"], actor=PUBLIC)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you: the request is verified.")
            return redirect("rights:public_verify", pk=made.pk)
    verified = made.status not in (Status.RECEIVED, Status.AWAITING_VERIFICATION)
    context = {"made": made, "form": form, "verified": verified}
    return render(request, "rights/public_verify.html", context)


def export_link(request: HttpRequest, pk: uuid.UUID, secret: str) -> HttpResponse:
    """The e-mailed link: a page offering the three formats, then the file itself."""
    export = find_by_secret(export_id=pk, secret=secret)
    if export is None:
        return render(request, "rights/export_gone.html", status=404)
    fmt = request.GET.get("format", "")
    if fmt not in ExportFormat.values:
        context = {"export": export, "formats": ExportFormat.choices, "secret": secret}
        return render(request, "rights/export_link.html", context)
    return _file(*render_export(export=export, fmt=fmt))


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
