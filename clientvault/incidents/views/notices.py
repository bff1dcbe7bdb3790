"""The back office's letters (one PDF to print) and call list (script, numbers, outcomes).

Both put people's names, addresses and numbers in front of staff: every person shown is in the
access log (the letters: one entry per person in the PDF)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from clientvault.incidents.access import STAFF_PURPOSE, staff_required
from clientvault.incidents.forms import OutcomeForm
from clientvault.incidents.models import Channel, Incident, Notice, NoticeStatus
from clientvault.incidents.queries import calls
from clientvault.incidents.services.letters import letters_for, render_letters
from clientvault.incidents.services.notices import record_call
from clientvault.incidents.wording import call_script, labels
from clientvault.privacy.directory import directory
from clientvault.privacy.services.access import record_access

PAGE = 25


def _log(request: HttpRequest, subject_id: uuid.UUID, what: str) -> None:
    user = request.user
    record_access(actor=user, subject_id=subject_id, purpose=STAFF_PURPOSE, what=what)  # type: ignore[arg-type]


@require_GET
@staff_required
def staff_letters(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Every letter of the incident in one PDF, a page per person, to print."""
    incident = get_object_or_404(Incident, pk=pk)
    notices = list(incident.notices.filter(channel=Channel.LETTER, status=NoticeStatus.SENT))
    if not notices:
        messages.error(request, "No letters yet: make the letters first.")
        return redirect("incidents:staff_incident", pk=incident.pk)
    pdf = render_letters(letters_for(incident, notices))
    for notice in notices:
        _log(request, notice.subject_id, "incidents.letter")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{incident.reference}-letters.pdf"'
    return response


@require_GET
@staff_required
def staff_letter(request: HttpRequest, pk: uuid.UUID, notice: uuid.UUID) -> HttpResponse:
    """One person's letter (a one-page PDF), to print again."""
    incident = get_object_or_404(Incident, pk=pk)
    found = get_object_or_404(
        Notice, pk=notice, incident=incident, channel=Channel.LETTER, status=NoticeStatus.SENT
    )
    pdf = render_letters(letters_for(incident, [found]))
    _log(request, found.subject_id, "incidents.letter")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{incident.reference}-letter-{found.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _row(notice: Notice, categories: dict[uuid.UUID, list[str]]) -> dict[str, object]:
    contact = directory().contact(notice.subject_id)
    return {
        "notice": notice,
        "name": contact.name if contact else "",
        "phone": contact.phone if contact else "",
        "categories": ", ".join(labels(categories.get(notice.subject_id, []))),
        "form": OutcomeForm(prefix=str(notice.pk), initial={"outcome": notice.outcome or None}),
    }


@require_GET
@staff_required
def staff_calls(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    incident = get_object_or_404(Incident, pk=pk)
    page = Paginator(calls(incident), PAGE).get_page(request.GET.get("page"))
    ids = [n.subject_id for n in page]
    categories = dict(
        incident.affected.filter(subject_id__in=ids).values_list("subject", "categories")
    )
    rows = [_row(notice, categories) for notice in page]
    for notice in page:
        if notice.status != NoticeStatus.NO_ADDRESS:
            _log(request, notice.subject_id, "incidents.call_list")
    context = {"incident": incident, "page": page, "rows": rows, "script": call_script(incident)}
    return render(request, "incidents/staff/calls.html", context)


@require_POST
@staff_required
def staff_call(request: HttpRequest, pk: uuid.UUID, notice: uuid.UUID) -> HttpResponse:
    """Record how one call went."""
    found = get_object_or_404(Notice, pk=notice, incident_id=pk)
    form = OutcomeForm(request.POST, prefix=str(found.pk))
    if not form.is_valid():
        messages.error(request, "Outcome: choose how the call went.")
        return redirect("incidents:staff_calls", pk=pk)
    try:
        data = form.cleaned_data
        record_call(notice=found, outcome=data["outcome"], note=data["note"], actor=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The call is recorded.")
    return redirect("incidents:staff_calls", pk=pk)
