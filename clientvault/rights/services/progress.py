"""Starting the work of a verified request, and the staff's decisions on a request."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clientvault.privacy.actors import Actor
from clientvault.privacy.profile import current_profile
from clientvault.rights import messages
from clientvault.rights.deadlines import extended_date, extension_text
from clientvault.rights.models import Kind, RightsRequest, Status
from clientvault.rights.services.notices import date_text, kind_text, notify
from clientvault.rights.services.requests import add_event, move
from clientvault.rights.services.work import do_work, fulfil_request


def proceed(*, request: RightsRequest, actor: Actor | None) -> None:
    """After verification: start at once (no staff step), except a correction."""
    if request.kind != Kind.CORRECTION:
        start(request=request, actor=actor)


def start(*, request: RightsRequest, actor: Actor | None) -> None:
    """Move a verified request to "in progress" and queue its work in the same transaction."""
    with transaction.atomic():
        if move(request=request, to=Status.IN_PROGRESS, actor=actor):
            fulfil_request.enqueue(request_id=str(request.pk))


def run_again(*, request: RightsRequest, actor: Actor | None) -> None:
    """Start a verified request, or queue again the work of one in progress (paused by a hold
    or a blocker that has since gone)."""
    if request.status == Status.IN_PROGRESS and request.kind != Kind.CORRECTION:
        fulfil_request.enqueue(request_id=str(request.pk))
        return
    start(request=request, actor=actor)


def approve_correction(*, request: RightsRequest, actor: Actor) -> RightsRequest:
    """Apply a verified correction through the owning app, all or nothing; a value the app
    refuses comes back as its ValidationError, and the request stays verified."""
    if request.kind != Kind.CORRECTION:
        raise ValidationError({"kind": "Only a correction is approved; the rest runs by itself."})
    with transaction.atomic():
        move(request=request, to=Status.IN_PROGRESS, actor=actor, step="approved")
        do_work(request=request, actor=actor)
    return request


def refuse(*, request: RightsRequest, actor: Actor, reason: str) -> RightsRequest:
    """Refuse a request with a reason the requester is told."""
    if not reason.strip():
        raise ValidationError({"reason": "Reason: say why, the requester is told."})
    with transaction.atomic():
        move(request=request, to=Status.REFUSED, actor=actor, reason=reason.strip())
        notify(
            request=request,
            kind=messages.REFUSED.key,
            context={"kind": kind_text(request), "reason": reason.strip()},
        )
    return request


def withdraw(*, request: RightsRequest, actor: Actor | None) -> RightsRequest:
    """The requester withdraws a request that has not started its work."""
    move(request=request, to=Status.WITHDRAWN, actor=actor)
    return request


def extend(*, request: RightsRequest, actor: Actor, reason: str) -> RightsRequest:
    """Extend the deadline once, by the jurisdiction's extension, telling the requester why."""
    if not reason.strip():
        raise ValidationError({"reason": "Reason: the requester must be told why."})
    if request.extended_to is not None:
        raise ValidationError({"reason": "This request's deadline was extended already."})
    if not request.is_open:
        raise ValidationError({"reason": "Only an open request's deadline can be extended."})
    with transaction.atomic():
        request.extended_to = extended_date(request.due_on)
        request.extension_reason = reason.strip()
        request.save(update_fields=["extended_to", "extension_reason"])
        add_event(request=request, step="extended", actor=actor, reason=reason.strip())
        notify(request=request, kind=messages.EXTENDED.key, context=_extended(request))
    return request


def _extended(request: RightsRequest) -> dict[str, str]:
    assert request.extended_to is not None
    return {
        "kind": kind_text(request),
        "extension": extension_text(),
        "due": date_text(request.extended_to),
        "reason": str(request.extension_reason),
    }


def expire_unverified(*, now: datetime.datetime | None = None) -> int:
    """Close the requests never verified in time, telling each requester."""
    moment = now or timezone.now()
    waiting = RightsRequest.objects.filter(
        status__in=[Status.RECEIVED, Status.AWAITING_VERIFICATION], expires_at__lte=moment
    )
    count = 0
    for request in waiting:
        if move(request=request, to=Status.EXPIRED, actor=None):
            _tell_expired(request)
            count += 1
    return count


def _tell_expired(request: RightsRequest) -> None:
    days = str(current_profile().rights.verification_days)
    context = {"kind": kind_text(request), "days": days}
    notify(request=request, kind=messages.EXPIRED.key, context=context)
