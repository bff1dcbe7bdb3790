"""Finishing a request, once (RGT-1).

The work itself is in ``work.py``. ``complete`` finishes a request exactly once: its status
moves in a conditional update, and the completion's history entry and notice are written in
that same transaction (a unique constraint allows one completion entry per request). A worker
killed at any point leaves the request in progress, which the next run of the job (or
``resume_stalled_requests``) finishes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from clientvault.privacy.actors import Actor
from clientvault.rights import messages
from clientvault.rights.models import RightsRequest, Status
from clientvault.rights.services.notices import kind_text, notify
from clientvault.rights.services.requests import add_event, move


def complete(
    *, request: RightsRequest, outcome: Mapping[str, Any], summary: str, actor: Actor | None
) -> bool:
    """Finish an in-progress request exactly once; False when it was finished already."""
    now = timezone.now()
    with transaction.atomic():
        changed = RightsRequest.objects.filter(pk=request.pk, status=Status.IN_PROGRESS).update(
            status=Status.COMPLETED, closed_at=now, outcome=dict(outcome)
        )
        if not changed:
            return False
        request.status, request.closed_at, request.outcome = Status.COMPLETED, now, dict(outcome)
        add_event(request=request, step=Status.COMPLETED, actor=actor)
        notify(
            request=request,
            kind=messages.COMPLETED.key,
            context={"kind": kind_text(request), "summary": summary},
        )
    return True


def note_outcome(*, request: RightsRequest, outcome: Mapping[str, Any]) -> None:
    """Keep what an unfinished request is waiting for (a hold, a blocker), ids and codes only."""
    RightsRequest.objects.filter(pk=request.pk).update(outcome=dict(outcome))
    request.outcome = dict(outcome)


def refuse_at_work(*, request: RightsRequest, reason: str, actor: Actor | None) -> bool:
    """The work found it may not be done (a release the register refuses): refuse the request,
    telling the requester why, once."""
    with transaction.atomic():
        if not move(request=request, to=Status.REFUSED, actor=actor, reason=reason):
            return False
        context = {"kind": kind_text(request), "reason": reason}
        notify(request=request, kind=messages.REFUSED.key, context=context)
    return True
