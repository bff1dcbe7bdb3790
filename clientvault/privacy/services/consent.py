"""The consent ledger: dated grants and refusals per subject and purpose; the newest wins.

History is never edited: a change of mind is a new record. Without any record, the policy
profile decides (marketing: ``marketing.default``; partner sharing: ``sharing.partners``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from clientvault.privacy.actors import Actor, actor_ref
from clientvault.privacy.models import ConsentRecord, ConsentSource, Subject
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.taxonomy import Purpose


class ConsentNotOffered(PermissionDenied):
    """The policy profile does not offer this purpose, so no one can consent to it."""


def _validate(*, purpose: str, granted: bool, source: str) -> None:
    if purpose not in Purpose.values:
        raise ValueError(f"consent: unknown purpose {purpose!r}")
    if source not in ConsentSource.values:
        raise ValueError(f"consent: unknown source {source!r}")
    if granted and source == ConsentSource.GPC:
        raise ValueError("consent: a Global Privacy Control signal is always a refusal")
    if granted and purpose == Purpose.PARTNER_SHARING and current_profile().partners == "never":
        raise ConsentNotOffered(
            "consent: partner sharing is not offered (the policy profile's "
            "sharing.partners is 'never'), so it cannot be granted"
        )


def record_consent(
    *,
    subject: Subject,
    purpose: str,
    granted: bool,
    source: str,
    actor: Actor | None,
    reference: str = "",
) -> ConsentRecord:
    """Append one dated grant or refusal, and audit it in the same transaction."""
    _validate(purpose=purpose, granted=granted, source=source)
    with transaction.atomic():
        record = ConsentRecord.objects.create(
            subject=subject,
            purpose=purpose,
            granted=granted,
            source=source,
            at=timezone.now(),
            actor_id=actor_ref(actor),
            reference=reference,
        )
        record_event(
            action="consent.granted" if granted else "consent.refused",
            actor=actor,
            subject_id=subject.id,
            purpose=purpose,
            obj=record,
            details={"source": source},
        )
    return record


def grant_consent(
    *, subject: Subject, purpose: str, source: str, actor: Actor | None, reference: str = ""
) -> ConsentRecord:
    return record_consent(
        subject=subject,
        purpose=purpose,
        granted=True,
        source=source,
        actor=actor,
        reference=reference,
    )


def withdraw_consent(
    *, subject: Subject, purpose: str, source: str, actor: Actor | None, reference: str = ""
) -> ConsentRecord:
    return record_consent(
        subject=subject,
        purpose=purpose,
        granted=False,
        source=source,
        actor=actor,
        reference=reference,
    )


def default_consent(*, purpose: str) -> bool:
    """What the policy profile assumes for a subject who has said nothing."""
    profile = current_profile()
    if purpose in (Purpose.MARKETING, Purpose.RESELLER_NEWSLETTER):
        return profile.marketing_default == "opt-out"
    if purpose == Purpose.PARTNER_SHARING:
        return profile.partners == "opt-out"
    return False


def current_consent(*, subject: Subject, purpose: str) -> bool:
    """The newest record wins (by time, then id); without one, the profile's default."""
    if purpose == Purpose.PARTNER_SHARING and current_profile().partners == "never":
        return False
    newest = (
        ConsentRecord.objects.filter(subject=subject, purpose=purpose)
        .order_by("-at", "-id")
        .values_list("granted", flat=True)
        .first()
    )
    return default_consent(purpose=purpose) if newest is None else newest


def consenting_subjects(*, subject_ids: Iterable[uuid.UUID], purpose: str) -> set[uuid.UUID]:
    """Which of ``subject_ids`` consent now: :func:`current_consent` for many, in one query."""
    ids = set(subject_ids)
    if purpose == Purpose.PARTNER_SHARING and current_profile().partners == "never":
        return set()
    records = ConsentRecord.objects.filter(subject_id__in=ids, purpose=purpose)
    newest: dict[uuid.UUID, bool] = {}
    for subject_id, granted in records.order_by("-at", "-id").values_list("subject_id", "granted"):
        newest.setdefault(subject_id, granted)
    default = default_consent(purpose=purpose)
    return {i for i in ids if newest.get(i, default)}


def consent_history(*, subject: Subject) -> list[ConsentRecord]:
    """Every grant and refusal of the subject, newest first."""
    return list(ConsentRecord.objects.filter(subject=subject).order_by("-at", "-id"))
