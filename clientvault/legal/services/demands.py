"""Opening a demand and moving it through review, challenge, refusal and completion."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pycountry
from django.db import transaction
from django.utils import timezone

from clientvault.legal.models import (
    LEGAL_PROCESS_TYPES,
    Demand,
    DemandSubject,
    DemandType,
    Ground,
    ReleaseStatus,
    Status,
)
from clientvault.legal.services.history import log_step, move
from clientvault.legal.services.preservation import demand_holds, ever_held, release_preservation
from clientvault.legal.services.refusals import refuse
from clientvault.privacy.actors import Actor
from clientvault.privacy.models import Subject
from clientvault.privacy.profile import current_profile
from clientvault.privacy.taxonomy import CATEGORIES

# The ground each type rests on; "other" names its own (harm or a legal obligation).
TYPE_GROUND: dict[str, str] = {
    **dict.fromkeys(LEGAL_PROCESS_TYPES, Ground.LEGAL_PROCESS),
    DemandType.EMERGENCY: Ground.LEGAL_OBLIGATION,
}
OTHER_GROUNDS = (Ground.HARM, Ground.LEGAL_OBLIGATION)


@dataclass(frozen=True)
class DemandInput:
    """What the legal team enters from the authority's papers."""

    authority: str
    jurisdiction: str
    demand_type: str
    their_reference: str
    received_on: datetime.date
    due_on: datetime.date
    subjects: Sequence[uuid.UUID]
    categories: Sequence[str] = ()
    ground: str = ""
    harm_reference: str = ""
    notice_forbidden_until: datetime.date | None = None


def _problem(given: DemandInput) -> tuple[str, str, str] | None:
    """The first rule the input breaks: (rule code, field, message)."""
    for check in (_reference_problem, _kind_problem, _date_problem, _subject_problem):
        problem = check(given)
        if problem:
            return problem
    return None


def _reference_problem(given: DemandInput) -> tuple[str, str, str] | None:
    if not given.their_reference.strip():
        return (
            "reference_required",
            "their_reference",
            "Their reference: a demand without the authority's reference (docket, case or "
            "order number) is refused.",
        )
    if not given.authority.strip():
        return "authority_required", "authority", "Authority: name who sent the demand."
    code = given.jurisdiction.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        return (
            "jurisdiction_unknown",
            "jurisdiction",
            f"Jurisdiction: {given.jurisdiction!r} is no ISO 3166 country code (such as US, DE).",
        )
    return None


def _kind_problem(given: DemandInput) -> tuple[str, str, str] | None:
    if given.demand_type not in DemandType.values:
        return "type_unknown", "demand_type", "Type: choose the kind of demand."
    if given.demand_type == DemandType.OTHER and given.ground not in OTHER_GROUNDS:
        return (
            "ground_required",
            "ground",
            "Ground: another demand rests on harm or on a legal obligation; choose one.",
        )
    if _ground(given) == Ground.HARM and not given.harm_reference.strip():
        return (
            "harm_reference_required",
            "harm_reference",
            "Harm reference: name the abuse ticket the disclosure acts on.",
        )
    if given.notice_forbidden_until and _ground(given) != Ground.LEGAL_PROCESS:
        return (
            "notice_order_needs_legal_process",
            "notice_forbidden_until",
            "Notice forbidden until: only a court's order on legal process can defer the notice.",
        )
    return None


def _date_problem(given: DemandInput) -> tuple[str, str, str] | None:
    if given.due_on < given.received_on:
        return "due_before_received", "due_on", "Due date: it is before the date received."
    if given.received_on > timezone.localdate():
        return "received_in_future", "received_on", "Received: the date is in the future."
    return None


def _subject_problem(given: DemandInput) -> tuple[str, str, str] | None:
    if not given.subjects:
        return "subjects_required", "subjects", "Subjects: name at least one person or account."
    unknown = [c for c in given.categories if c not in CATEGORIES]
    if unknown:
        return "unknown_category", "categories", f"Categories: {unknown[0]!r} is unknown."
    if given.demand_type != DemandType.PRESERVATION and not given.categories:
        return "categories_required", "categories", "Categories: choose what the demand asks for."
    return None


def _ground(given: DemandInput) -> str:
    return given.ground if given.demand_type == DemandType.OTHER else TYPE_GROUND[given.demand_type]


def _followup(given: DemandInput) -> datetime.date | None:
    if given.demand_type != DemandType.EMERGENCY:
        return None
    return given.received_on + datetime.timedelta(
        days=current_profile().legal.emergency_followup_days
    )


def open_demand(*, given: DemandInput, handler: Any, actor: Actor) -> Demand:
    """Record a demand received; refused (audited) when it breaks a rule."""
    problem = _problem(given)
    if problem:
        rule, name, message = problem
        raise refuse(rule=rule, message=message, actor=actor, field=name)
    with transaction.atomic():
        demand = Demand.objects.create(
            authority=given.authority.strip(),
            jurisdiction=given.jurisdiction.strip().upper(),
            demand_type=given.demand_type,
            ground=_ground(given),
            harm_reference=given.harm_reference.strip(),
            their_reference=given.their_reference.strip(),
            received_on=given.received_on,
            due_on=given.due_on,
            handler=handler,
            notice_forbidden_until=given.notice_forbidden_until,
            followup_due_on=_followup(given),
            created_at=timezone.now(),
        )
        subjects = Subject.objects.filter(pk__in=list(dict.fromkeys(given.subjects)))
        DemandSubject.objects.bulk_create(
            DemandSubject(demand=demand, subject=s, categories=list(given.categories))
            for s in subjects
        )
        log_step(demand=demand, step="received", actor=actor)
    return demand


def start_review(*, demand: Demand, actor: Actor) -> Demand:
    return move(demand=demand, status=Status.UNDER_REVIEW, actor=actor)


def challenge(*, demand: Demand, actor: Actor, reason: str) -> Demand:
    """Contest the demand with the authority (overbroad, wrong jurisdiction…)."""
    return move(demand=demand, status=Status.CHALLENGED, actor=actor, reason=reason)


def refuse_demand(*, demand: Demand, actor: Actor, reason: str) -> Demand:
    """Refuse the demand (nothing released on it, checked on the locked demand, which an
    approval locks too); its preservation holds end with it."""
    return move(
        demand=demand,
        status=Status.REFUSED,
        actor=actor,
        reason=reason,
        then=_end_holds(actor),
        check=_released_problem,
    )


def _released_problem(demand: Demand) -> tuple[str, str] | None:
    if released_categories(demand):
        return (
            "released_data",
            "Refuse: it has released data: complete it as partially complied instead.",
        )
    return None


def _end_holds(actor: Actor) -> Callable[[Demand], None]:
    """End a closing demand's preservation holds, in the transaction that closes it."""

    def end(demand: Demand) -> None:
        if demand_holds(demand):
            release_preservation(demand=demand, actor=actor)

    return end


def released_categories(demand: Demand) -> dict[str, set[str]]:
    """What approved releases gave, by subject id (as text)."""
    given: dict[str, set[str]] = {}
    for release in demand.releases.exclude(status=ReleaseStatus.PREPARED):
        for subject_id, categories in release.categories.items():
            given.setdefault(str(subject_id), set()).update(categories)
    return given


def _fully(demand: Demand) -> bool:
    if demand.demand_type == DemandType.PRESERVATION:
        return True
    given = released_categories(demand)
    return all(
        set(named.categories) <= given.get(str(named.subject_id), set())
        for named in demand.subjects.all()
    )


def _completion_problem(demand: Demand) -> tuple[str, str] | None:
    if demand.demand_type == DemandType.PRESERVATION:
        if not ever_held(demand):
            return (
                "not_preserved",
                "Complete: place the preservation holds first; nothing was held on this demand.",
            )
    elif not released_categories(demand):
        return "nothing_released", "Nothing was released: refuse the demand instead, saying why."
    return None


def complete(*, demand: Demand, actor: Actor, reason: str = "") -> Demand:
    """Close the case as fully or partly complied with, from what was released (a preservation
    request once its holds were placed); its preservation holds end with it."""
    problem = _completion_problem(demand)
    if problem:
        raise refuse(rule=problem[0], message=problem[1], actor=actor, obj=demand)
    status = Status.FULLY_COMPLIED if _fully(demand) else Status.PARTIALLY_COMPLIED
    return move(demand=demand, status=status, actor=actor, reason=reason, then=_end_holds(actor))
