"""Releasing data on a demand: prepared by one person of the legal team, approved by another
(four eyes), recorded in the kernel's disclosure register one entry per subject, and packaged
as a sealed export of the approved categories, for a time-limited link to the authority."""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
import uuid
from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils import timezone

from clientvault.legal import tiers
from clientvault.legal.models import Demand, Ground, Package, Release, ReleaseStatus, Status
from clientvault.legal.services.history import log_step
from clientvault.legal.services.refusals import LegalRefused, refuse
from clientvault.privacy.actors import Actor, actor_roles
from clientvault.privacy.models import RecipientKind, Subject
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.services.disclosures import DisclosureRefused, disclose
from clientvault.privacy.services.export import export_for_recipient
from clientvault.privacy.taxonomy import CATEGORIES, Purpose

RELEASING = (Status.UNDER_REVIEW, Status.CHALLENGED)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_role(actor: Actor, demand: Demand) -> None:
    granted = current_profile().purposes_for(actor_roles(actor))
    if actor.pk is None or Purpose.LEGAL_OBLIGATION not in granted:
        raise refuse(
            rule="legal_role_required",
            message="Only the legal team releases data on a demand.",
            actor=actor,
            obj=demand,
        )


def _check_open(actor: Actor, demand: Demand) -> None:
    if demand.status not in RELEASING:
        raise refuse(
            rule="not_under_review",
            message="Release: a demand is released on only while under review or challenged.",
            actor=actor,
            obj=demand,
        )


def _check_tiers(actor: Actor, demand: Demand, chosen: Mapping[str, Sequence[str]]) -> None:
    rules = current_profile().legal
    for subject_id, categories in chosen.items():
        refusal = tiers.release_refusal(
            demand_type=demand.demand_type,
            categories=list(categories),
            emergency_categories=rules.emergency_categories,
            window_ends=demand.followup_due_on,
            today=timezone.localdate(),
        )
        if refusal:
            raise refuse(
                rule=refusal.rule,
                message=refusal.message,
                actor=actor,
                field="categories",
                obj=demand,
                subject_id=uuid.UUID(subject_id),
            )


def _check_requested(actor: Actor, demand: Demand, chosen: Mapping[str, Sequence[str]]) -> None:
    asked = {str(s.subject_id): set(s.categories) for s in demand.subjects.all()}
    for subject_id, categories in chosen.items():
        extra = [c for c in categories if c not in asked.get(subject_id, set())]
        if subject_id not in asked or extra:
            raise refuse(
                rule="not_requested",
                message="Categories: release only what the demand asks for, about the people "
                "it names" + (f" ({extra[0]} was not asked for)." if extra else "."),
                actor=actor,
                field="categories",
                obj=demand,
            )


def prepare_release(
    *, demand: Demand, categories: Mapping[uuid.UUID, Sequence[str]], actor: Actor
) -> Release:
    """Propose what to release, per subject; a second person must approve it."""
    chosen = {str(k): list(dict.fromkeys(v)) for k, v in categories.items() if v}
    _check_role(actor, demand)
    _check_open(actor, demand)
    if not chosen:
        raise refuse(
            rule="no_categories",
            message="Categories: choose at least one category to release.",
            actor=actor,
            field="categories",
            obj=demand,
        )
    _check_tiers(actor, demand, chosen)
    _check_requested(actor, demand, chosen)
    login = actor.pk
    assert login is not None  # _check_role: a staff login
    with transaction.atomic():
        release = Release.objects.create(
            demand=demand, categories=chosen, prepared_by_id=login, prepared_at=timezone.now()
        )
        record_event(
            action="legal.release_prepared",
            actor=actor,
            obj=release,
            details={
                "subjects": len(chosen),
                "categories": sorted({c for v in chosen.values() for c in v}),
            },
        )
        log_step(demand=demand, step="release_prepared", actor=actor)
    return release


def _recipient_kind(demand: Demand) -> str:
    return RecipientKind.THIRD_PARTY if demand.ground == Ground.HARM else RecipientKind.AUTHORITY


def _deferred_until(demand: Demand) -> datetime.date | None:
    until = demand.notice_forbidden_until
    return until if until is not None and until > timezone.localdate() else None


def _reference(demand: Demand) -> str:
    theirs = demand.harm_reference if demand.ground == Ground.HARM else demand.their_reference
    return f"{theirs} ({demand.reference})"


class _RegisterRefused(Exception):
    """The kernel refused one subject's disclosure: which subject, categories and ground."""

    def __init__(self, error: DisclosureRefused, subject_id: uuid.UUID, categories: list[str]):
        super().__init__(str(error))
        self.subject_id = subject_id
        self.categories = categories


def _disclose_and_package(release: Release, actor: Actor) -> None:
    demand = release.demand
    for subject_id, categories in release.categories.items():
        subject = Subject.objects.get(pk=subject_id)
        try:
            disclosure = disclose(
                subject=subject,
                recipient_kind=_recipient_kind(demand),
                recipient=demand.authority,
                categories=categories,
                ground=demand.ground,
                reference=_reference(demand),
                actor=actor,
                notice_deferred_until=_deferred_until(demand),
            )
        except DisclosureRefused as error:
            raise _RegisterRefused(error, subject.pk, list(categories)) from None
        document = export_for_recipient(subject_id=subject.pk, categories=categories, actor=actor)
        package = Package(
            release=release, subject=subject, disclosure=disclosure, created_at=timezone.now()
        )
        package.document = json.dumps(document, sort_keys=True, default=str)
        package.save()


def _approval_problem(release: Release, actor: Actor) -> tuple[str, str] | None:
    """What forbids approving (read on locked rows): (rule code, message)."""
    if release.prepared_by_id == actor.pk:
        return (
            "four_eyes",
            "Approval: the person who prepared a release may not approve it; a second "
            "member of the legal team must.",
        )
    if release.status != ReleaseStatus.PREPARED:
        return "already_approved", "This release was approved already."
    if release.demand.status not in RELEASING:
        return (
            "not_under_review",
            "Release: a demand is released on only while under review or challenged.",
        )
    return None


def _lock(release: Release) -> Release:
    """The release and its demand, locked (two approvals at once: the second waits, then
    sees the first)."""
    locked = Release.objects.select_for_update().get(pk=release.pk)
    locked.demand = Demand.objects.select_for_update().get(pk=locked.demand_id)
    return locked


def approve_release(*, release: Release, actor: Actor) -> tuple[Release, str]:
    """Approve as a second person: disclose per subject, package, and give the link's secret
    (shown once; only its digest is kept)."""
    _check_role(actor, release.demand)
    _check_tiers(actor, release.demand, release.categories)
    secret = secrets.token_urlsafe(24)
    try:
        with transaction.atomic():
            locked = _lock(release)
            problem = _approval_problem(locked, actor)
            if problem is None:
                _disclose_and_package(locked, actor)
                _approve(locked, actor, secret)
    except _RegisterRefused as error:
        raise _register_refusal(error, release, actor) from None
    if problem is not None:  # refused outside the transaction, so its audit stays
        raise refuse(rule=problem[0], message=problem[1], actor=actor, obj=release)
    return locked, secret


def _register_refusal(error: _RegisterRefused, release: Release, actor: Actor) -> LegalRefused:
    """The kernel's refusal (its own audit rolled back with the approval) audited again,
    after the rollback: the register rule, the ground and the categories refused."""
    demand = release.demand
    return refuse(
        rule="disclosure_register",
        message=str(error),
        actor=actor,
        obj=release,
        subject_id=error.subject_id,
        details={
            "recipient_kind": str(_recipient_kind(demand)),
            "ground": demand.ground,
            "categories": [c for c in error.categories if c in CATEGORIES],
        },
    )


def _approve(release: Release, actor: Actor, secret: str) -> None:
    now = timezone.now()
    release.status = ReleaseStatus.APPROVED
    release.approved_by_id = actor.pk
    release.approved_at = now
    release.token_digest = digest(secret)
    release.expires_at = now + datetime.timedelta(days=current_profile().legal.package_days)
    release.save()
    record_event(
        action="legal.release_approved",
        actor=actor,
        obj=release,
        details={"subjects": release.subject_count},
    )
    log_step(demand=release.demand, step="release_approved", actor=actor)
