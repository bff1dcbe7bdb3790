"""Publishing the privacy policy as immutable dated versions, and recording acceptance.

POL-1: each change of the rendered policy becomes a new version that supersedes the one before
and carries its effective date. POL-2: a subject's acceptance is recorded against the version
they accepted.
"""

from __future__ import annotations

import datetime
import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone

from clientvault.privacy.actors import SYSTEM, Actor
from clientvault.privacy.inventory import registry
from clientvault.privacy.models import PolicyAcceptance, PolicyVersion, Subject
from clientvault.privacy.models.policy import AcceptanceChannel
from clientvault.privacy.profile import current_profile
from clientvault.privacy.rendering import render_policy
from clientvault.privacy.services.audit import record_event

PUBLISH_ATTEMPTS = 5


class PolicyError(Exception):
    """A policy acceptance that cannot be recorded; the message says why."""


def render_current_policy() -> tuple[str, str]:
    """The policy rendered from the current profile and inventory, and its SHA-256 hash."""
    html = render_policy(current_profile(), registry)
    return html, hashlib.sha256(html.encode()).hexdigest()


def latest_version() -> PolicyVersion | None:
    return PolicyVersion.objects.order_by("-number").first()


def _create_version(number: int, html: str, digest: str, today: datetime.date) -> PolicyVersion:
    with transaction.atomic():
        version = PolicyVersion.objects.create(
            number=number,
            content_hash=digest,
            effective_date=today,
            published_at=timezone.now(),
            html=html,
        )
        record_event(
            action="policy.published",
            actor=SYSTEM,
            obj=version,
            details={"number": number, "content_hash": digest},
        )
    return version


def publish_policy(*, today: datetime.date | None = None) -> PolicyVersion:
    """The current version, creating the next one first if the rendered content changed.

    Idempotent, and safe when several processes publish at once: the version number is unique,
    so a loser of the race re-reads and finds the winner's version.
    """
    html, digest = render_current_policy()
    for _attempt in range(PUBLISH_ATTEMPTS):
        latest = latest_version()
        if latest is not None and latest.content_hash == digest:
            return latest
        number = latest.number + 1 if latest else 1
        try:
            return _create_version(number, html, digest, today or timezone.localdate())
        except IntegrityError:
            continue
    raise PolicyError(f"could not publish the privacy policy after {PUBLISH_ATTEMPTS} attempts")


def superseded_by(version: PolicyVersion) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(number__gt=version.number).order_by("number").first()


def record_acceptance(
    *, subject: Subject, version: PolicyVersion, channel: str, actor: Actor | None
) -> PolicyAcceptance:
    """Record that ``subject`` accepted ``version``; accepting the same version again is a no-op."""
    if subject.is_erased:
        raise PolicyError(f"subject {subject.reference} is erased and cannot accept a policy")
    if channel not in AcceptanceChannel.values:
        raise PolicyError(f"unknown acceptance channel {channel!r}")
    existing = PolicyAcceptance.objects.filter(subject=subject, version=version).first()
    if existing is not None:
        return existing
    try:
        return _create_acceptance(subject, version, channel, actor)
    except IntegrityError:
        return PolicyAcceptance.objects.get(subject=subject, version=version)


def _create_acceptance(
    subject: Subject, version: PolicyVersion, channel: str, actor: Actor | None
) -> PolicyAcceptance:
    with transaction.atomic():
        acceptance = PolicyAcceptance.objects.create(
            subject=subject, version=version, channel=channel, at=timezone.now()
        )
        record_event(
            action="policy.accepted",
            actor=actor,
            subject_id=subject.id,
            obj=acceptance,
            details={"version": version.number, "channel": channel},
        )
    return acceptance


def accepted_version(*, subject: Subject) -> PolicyVersion | None:
    """The newest policy version the subject has accepted, or None."""
    acceptance = (
        PolicyAcceptance.objects.filter(subject=subject)
        .select_related("version")
        .order_by("-version__number")
        .first()
    )
    return acceptance.version if acceptance else None
