"""The staff access log (SEC-5): every staff view of a customer's personal data is recorded.

Views call :func:`record_access` when they show a subject's personal data; the entries live in
the hash-chained audit log, so they cannot be quietly removed. After a breach,
:func:`accesses_by` lists what a compromised account saw (its views and its reveals) and
:func:`accesses_to` who saw a given subject's data.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping

from django.db.models import QuerySet

from clientvault.privacy.actors import Actor
from clientvault.privacy.models import AuditEvent
from clientvault.privacy.services.audit import AuditDetailError, record_event

VIEW = "access.view"
SEEN = (VIEW, "reveal")  # what put personal data in front of someone
CODE = re.compile(r"[a-z0-9][a-z0-9_.:-]{0,63}")


def record_access(
    *,
    actor: Actor,
    subject_id: uuid.UUID,
    purpose: str,
    what: str,
    details: Mapping[str, str] | None = None,
) -> AuditEvent:
    """Record that ``actor`` viewed ``what`` (a code such as ``customer.profile``) of a subject.

    ``details`` adds codes about the view, such as ``{"reason": "billing_run"}``: lower-case
    codes only, never free text, so no personal data can ride along.
    """
    if actor is None or subject_id is None:
        raise AuditDetailError("an access needs both the actor and the subject's id")
    if not what:
        raise AuditDetailError("an access needs 'what' was viewed (a code such as 'profile')")
    extra = _codes(details or {})
    return record_event(
        action=VIEW,
        actor=actor,
        subject_id=subject_id,
        purpose=purpose,
        details={"what": what, **extra},
    )


def _codes(details: Mapping[str, str]) -> dict[str, str]:
    for key, value in details.items():
        if key == "what":
            raise AuditDetailError("an access's details cannot replace 'what' was viewed")
        if not isinstance(value, str) or not CODE.fullmatch(value):
            raise AuditDetailError(
                f"an access's details[{key!r}] must be a code such as 'billing_run' (lower-case "
                "letters, digits, '_', '.', ':' or '-'), never free text"
            )
    return dict(details)


def _since(events: QuerySet[AuditEvent], since: dt.datetime | None) -> QuerySet[AuditEvent]:
    if since is None:
        return events
    if since.tzinfo is None:
        raise ValueError("'since' must be a timezone-aware datetime")
    return events.filter(at__gte=since)


def accesses_by(*, actor_ref: str, since: dt.datetime | None = None) -> QuerySet[AuditEvent]:
    """Every view and reveal by one actor (``user:42``), oldest first: what that account saw."""
    events = AuditEvent.objects.filter(actor_id=actor_ref, action__in=SEEN)
    return _since(events, since).order_by("seq")


def accesses_to(*, subject_id: uuid.UUID, since: dt.datetime | None = None) -> QuerySet[AuditEvent]:
    """Every view and reveal of one subject's data, oldest first: who saw it."""
    events = AuditEvent.objects.filter(subject_id=subject_id, action__in=SEEN)
    return _since(events, since).order_by("seq")
