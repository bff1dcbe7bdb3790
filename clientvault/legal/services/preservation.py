"""Preservation: a kernel hold on each subject a demand names (confidential, until the
profile's days have passed or the hold is released); retention and erasure skip held data."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from clientvault.legal.models import Demand
from clientvault.legal.services.history import log_step
from clientvault.legal.services.refusals import refuse
from clientvault.privacy.actors import Actor
from clientvault.privacy.models import Hold, HoldReason
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.holds import active_filter, end_hold, place_hold


def demand_holds(demand: Demand) -> list[Hold]:
    """The holds this demand placed that still hold."""
    found = Hold.objects.filter(
        active_filter(),
        reason=HoldReason.LEGAL_PRESERVATION,
        reference=demand.reference,
        subject_id__in=demand.subjects.values("subject_id"),
    )
    return list(found.select_related("subject").order_by("placed_at"))


def ever_held(demand: Demand) -> bool:
    """Whether holds were placed for this demand (ended or not)."""
    return Hold.objects.filter(
        reason=HoldReason.LEGAL_PRESERVATION, reference=demand.reference
    ).exists()


def preserve(*, demand: Demand, actor: Actor) -> list[Hold]:
    """Hold every named subject's data (one hold each; holding again adds none)."""
    named = [s.subject for s in demand.subjects.select_related("subject")]
    erased = [s for s in named if s.is_erased]
    if erased:
        raise refuse(
            rule="subject_erased",
            message=f"Preservation: {erased[0].reference} is erased; there is nothing to hold.",
            actor=actor,
            obj=demand,
            subject_id=erased[0].pk,
        )
    if not demand.is_open:
        raise refuse(rule="closed", message="The demand is closed.", actor=actor, obj=demand)
    held = {h.subject_id for h in demand_holds(demand)}
    days = current_profile().legal.preservation_days
    ends_on = timezone.localdate() + datetime.timedelta(days=days)
    with transaction.atomic():
        holds = [
            place_hold(
                subject=subject,
                reason=HoldReason.LEGAL_PRESERVATION,
                ends_on=ends_on,
                actor=actor,
                placed_by="legal",
                reference=demand.reference,
                confidential=True,
            )
            for subject in named
            if subject.pk not in held
        ]
        log_step(demand=demand, step="preserved", actor=actor)
    return holds


def release_preservation(*, demand: Demand, actor: Actor) -> int:
    """End the demand's holds now; the number ended."""
    holds = demand_holds(demand)
    with transaction.atomic():
        for hold in holds:
            end_hold(hold=hold, actor=actor)
        log_step(demand=demand, step="preservation_released", actor=actor)
    return len(holds)
