"""Notices to a requester, through the outbox (each queued once per request and step)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.utils import formats

from clientvault.messaging.services.outbox import queue_message
from clientvault.rights.models import Kind, RightsRequest


def kind_text(request: RightsRequest) -> str:
    return Kind(request.kind).label.lower()


def date_text(day: datetime.date) -> str:
    return str(formats.date_format(day, "j F Y"))


def notify(
    *, request: RightsRequest, kind: str, context: Mapping[str, str], step: str = ""
) -> bool:
    """Queue a notice to the requester; False when none may go.

    Until a request is verified, only a requester known to be the person themselves hears
    anything: an agent, or someone whose name and address matched no one, learns nothing,
    not even whether the person exists (RGT-3).
    """
    address = str(request.email_given or "")
    known = request.verified_at is not None or (
        request.subject_id is not None and not request.is_agent
    )
    if not known or "@" not in address:
        return False
    values = {"reference": request.reference, **context}
    queue_message(
        subject_id=request.requester_id,
        to=address,
        kind=kind,
        context=values,
        key=f"rights:{request.pk}:{step or kind}",
    )
    return True
