"""The work of a request in progress, by kind, run by the ``fulfil_request`` job.

- access: the person's export, a link to the requester (an agent's receipt is recorded in the
  disclosure register), then completion;
- objection: the consent withdrawn in the consent ledger, then completion;
- erasure: ``erasing.erase_request``, then completion with what was erased and kept;
- correction: staff approve it (``progress.approve_correction``), which applies it here.

Each step can run again: an export is made once per request and person, consent withdrawn
twice is the same refusal, the kernel's erasure is idempotent, and ``complete`` finishes once.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from clientvault.privacy.actors import Actor, SystemActor
from clientvault.privacy.models import ConsentSource, DisclosureGround, RecipientKind, Subject
from clientvault.privacy.services.consent import withdraw_consent
from clientvault.privacy.services.disclosures import DisclosureRefused, disclose
from clientvault.privacy.services.erasure import ErasureReport
from clientvault.privacy.taxonomy import Purpose
from clientvault.rights import messages
from clientvault.rights.models import Channel, Kind, RightsRequest, Status
from clientvault.rights.services.corrections import apply_correction
from clientvault.rights.services.erasing import Paused, erase_request, final_lines, summary
from clientvault.rights.services.exports import (
    VALID,
    download_link,
    export_categories,
    make_export,
)
from clientvault.rights.services.fulfilment import complete, note_outcome, refuse_at_work
from clientvault.rights.services.notices import date_text, kind_text, notify

WORKER = SystemActor("rights")
SOURCES = {
    Channel.ACCOUNT: ConsentSource.FORM,
    Channel.PUBLIC_FORM: ConsentSource.FORM,
    Channel.API: ConsentSource.API,
}


def do_work(*, request: RightsRequest, actor: Actor) -> str:
    """Do what the request asks; the result as a short code."""
    work = {
        Kind.ACCESS: _access,
        Kind.OBJECTION: _objection,
        Kind.ERASURE: _erasure,
        Kind.CORRECTION: _correction,
    }[Kind(request.kind)]
    return work(request, actor)


def _access(request: RightsRequest, actor: Actor) -> str:
    try:
        with transaction.atomic():  # a refused disclosure leaves no copy made and no link sent
            return _export_and_complete(request, actor)
    except DisclosureRefused as refused:
        reason = f"We may not release this data to an agent: {refused}."
        refuse_at_work(request=request, reason=reason, actor=actor)
        return "refused"


def _export_and_complete(request: RightsRequest, actor: Actor) -> str:
    export, secret = make_export(request=request, actor=actor)
    if secret:
        if request.is_agent:  # in the register before the link can leave
            _record_agent_receipt(request, export_categories(export), actor)
        expires = date_text(timezone.localdate(export.expires_at))
        link = download_link(export, secret)
        notify(
            request=request,
            kind=messages.EXPORT_READY.key,
            context={"expires": expires, "link": link},
        )
    days = VALID.days
    text = f"A copy of your data is ready to download for {days} days."
    complete(request=request, outcome={"export": str(export.pk)}, summary=text, actor=actor)
    return "exported"


def _record_agent_receipt(request: RightsRequest, categories: list[str], actor: Actor) -> None:
    """An agent receives the person's data: recorded in the register ("who received it")."""
    disclose(
        subject=_person(request),
        recipient_kind=RecipientKind.AGENT,
        recipient="Authorised agent (signed permission on file)",
        categories=categories,  # sensitive data is withheld from an agent's copy
        ground=DisclosureGround.CONSENT,
        reference=f"permission:{request.reference}",
        actor=actor,
    )


def _person(request: RightsRequest) -> Subject:
    assert request.subject_id is not None, "a verified request names its person"
    return Subject.objects.get(pk=request.subject_id)


def _objection(request: RightsRequest, actor: Actor) -> str:
    withdraw_consent(
        subject=_person(request),
        purpose=request.purpose,
        source=SOURCES.get(Channel(request.channel), ConsentSource.STAFF),
        actor=actor,
        reference=request.reference,
    )
    label = Purpose(request.purpose).label.lower()
    text = f"We recorded your objection: no more {label}."
    complete(request=request, outcome={"withdrawn": request.purpose}, summary=text, actor=actor)
    return "consent withdrawn"


def _erasure(request: RightsRequest, actor: Actor) -> str:
    try:
        reports = erase_request(request=request, actor=actor)
    except Paused as paused:
        if request.outcome.get("paused") != paused.outcome["paused"]:
            note_outcome(request=request, outcome=paused.outcome)
            notify(
                request=request,
                kind=messages.REFUSED.key,
                context={"kind": kind_text(request), "reason": paused.sentence},
                step=f"paused-{paused.outcome['paused']}",
            )
        return f"paused: {paused.outcome['paused']}"
    outcome = {"erased": [str(r.subject_id) for r in reports], "lines": _lines(reports)}
    complete(request=request, outcome=outcome, summary=summary(reports), actor=actor)
    return "erased"


def _lines(reports: list[ErasureReport]) -> list[dict[str, object]]:
    return [line.as_json() for line in final_lines(reports)]


def _correction(request: RightsRequest, actor: Actor) -> str:
    notified = apply_correction(request=request, actor=actor)
    text = "We corrected your data as you asked."
    if notified:
        text += f" We told the {notified} recipient(s) who had received the old value."
    complete(request=request, outcome={"notified": notified}, summary=text, actor=actor)
    return "corrected"


@task()
def fulfil_request(request_id: str) -> dict[str, str]:
    """Do the work of one request in progress; run twice, it finishes it once."""
    request = RightsRequest.objects.filter(pk=uuid.UUID(request_id)).first()
    if request is None or request.status != Status.IN_PROGRESS:
        return {"request": request_id, "result": "not in progress"}
    return {"request": request_id, "result": do_work(request=request, actor=WORKER)}


@task()
def resume_stalled_requests(period: str = "") -> dict[str, int]:
    """Queue again the work of requests in progress (a worker died, a hold ended): hourly."""
    waiting = RightsRequest.objects.filter(status=Status.IN_PROGRESS)
    ids = list(waiting.exclude(kind=Kind.CORRECTION).values_list("pk", flat=True))
    for request_id in ids:
        fulfil_request.enqueue(request_id=str(request_id))
    return {"queued": len(ids)}
