"""Placing and ending holds, finding the active ones, and telling a requester about them.

A hold is active from the moment it is placed until it is ended or its ``ends_on`` day has
passed (it still holds on that day). Retention and erasure skip a held subject's data and say
why; what the subject is told comes from :func:`hold_notice`, which never reveals a confidential
hold or any hold's reference.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from clientvault.privacy.actors import Actor
from clientvault.privacy.models import Hold, HoldReason, Subject
from clientvault.privacy.services.audit import record_event

_CODE = re.compile(r"[a-z0-9][a-z0-9_.:-]{0,63}", re.IGNORECASE)
CONFIDENTIAL_NOTICE = "A legal obligation requires us to keep some of your data for now."


def _check_code(name: str, value: str, *, required: bool) -> None:
    if (value or required) and not _CODE.fullmatch(value):
        raise ValidationError(
            {name: f"{name} must be a short code (letters, digits, _ . : -), never free text"}
        )


def _check_hold(reason: str, ends_on: datetime.date, placed_by: str, reference: str) -> None:
    if reason not in HoldReason.values:
        known = ", ".join(HoldReason.values)
        raise ValidationError({"reason": f"unknown reason {reason!r}: one of {known}"})
    if not isinstance(ends_on, datetime.date) or isinstance(ends_on, datetime.datetime):
        raise ValidationError({"ends_on": "ends_on must be a date"})
    if ends_on < timezone.localdate():
        raise ValidationError({"ends_on": f"ends_on {ends_on:%Y-%m-%d} is in the past"})
    _check_code("placed_by", placed_by, required=True)
    _check_code("reference", reference, required=False)


def place_hold(
    *,
    subject: Subject,
    reason: str,
    ends_on: datetime.date,
    actor: Actor | None,
    placed_by: str,
    reference: str = "",
    confidential: bool = False,
) -> Hold:
    """Hold the subject's data until ``ends_on`` (inclusive); audited by ids and codes only."""
    _check_hold(reason, ends_on, placed_by, reference)
    with transaction.atomic():
        hold = Hold.objects.create(
            subject=subject,
            reason=reason,
            placed_by=placed_by,
            reference=reference,
            confidential=confidential,
            placed_at=timezone.now(),
            ends_on=ends_on,
        )
        details = {"reason": reason, "placed_by": placed_by, "confidential": confidential}
        record_event(
            action="hold.placed", actor=actor, subject_id=subject.pk, obj=hold, details=details
        )
    return hold


def end_hold(*, hold: Hold, actor: Actor | None) -> Hold:
    """End the hold now (ending it again changes nothing)."""
    with transaction.atomic():
        locked = Hold.objects.select_for_update().get(pk=hold.pk)
        if locked.ended_at is None:
            locked.ended_at = timezone.now()
            locked.save(update_fields=["ended_at"])
            record_event(action="hold.ended", actor=actor, subject_id=locked.subject_id, obj=locked)
    return locked


def active_filter(today: datetime.date | None = None) -> Q:
    """The condition on ``Hold`` rows that are holding on ``today`` (the site's today)."""
    return Q(ended_at__isnull=True, ends_on__gte=today or timezone.localdate())


def held_subjects(today: datetime.date | None = None) -> QuerySet[Hold, Any]:
    """The ids of every held subject, as a subquery (``values("subject_id")``)."""
    return Hold.objects.filter(active_filter(today)).values("subject_id")


def active_holds(
    *, subject_ids: Iterable[uuid.UUID], today: datetime.date | None = None
) -> list[Hold]:
    """The holds holding any of these subjects on ``today``, soonest end first."""
    found = Hold.objects.filter(active_filter(today), subject_id__in=list(subject_ids))
    return list(found.order_by("ends_on", "placed_at"))


def hold_notice(holds: Iterable[Hold]) -> str:
    """What to tell the requester: the open reasons and until when; confidential ones only as
    "a legal obligation applies"."""
    holds = list(holds)
    sentences = [_open_sentence(h) for h in holds if not h.confidential]
    if any(h.confidential for h in holds):
        sentences.append(CONFIDENTIAL_NOTICE)
    return " ".join(dict.fromkeys(sentences))


def _open_sentence(hold: Hold) -> str:
    label = HoldReason(hold.reason).label
    return f"We must keep some of your data until {hold.ends_on:%d %B %Y}: {label.lower()}."
