"""The disclosure register: every release of personal data outside goes through ``disclose``.

It checks that the policy profile allows the release (SHR-1 to SHR-7), records it, and shows it
to the subject unless a court order defers that notice. A refusal is audited and raised as
``DisclosureRefused`` with one sentence saying why.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clientvault.privacy.actors import Actor, actor_ref
from clientvault.privacy.models import Disclosure, DisclosureGround, RecipientKind, Subject
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.services.consent import current_consent
from clientvault.privacy.taxonomy import CATEGORIES, SENSITIVE_PREFIX, Purpose

COMMUNICATIONS = "user.content.communications"
NEVER_GROUNDS = ("sell", "sale", "lease", "rent")
AUTHORITY_GROUNDS = (DisclosureGround.LEGAL_PROCESS, DisclosureGround.LEGAL_OBLIGATION)
REFERENCED_GROUNDS = (
    DisclosureGround.LEGAL_PROCESS,
    DisclosureGround.LEGAL_OBLIGATION,
    DisclosureGround.HARM,
    DisclosureGround.INADVERTENT_CRIME,
)
# The four grounds on which communications content may leave (SHR-6), as the profile names them.
COMMUNICATION_GROUNDS = {
    DisclosureGround.CONTRACT: "provide_service",
    DisclosureGround.LEGITIMATE_INTEREST: "legitimate_interest",
    DisclosureGround.LEGAL_PROCESS: "legal_process",
    DisclosureGround.INADVERTENT_CRIME: "inadvertent_crime",
}


class DisclosureRefused(PermissionDenied):
    """The policy profile does not allow this disclosure; the message says why."""


@dataclass(frozen=True)
class _Request:
    subject: Subject
    kind: str
    recipient: str
    categories: tuple[str, ...]
    ground: str
    reference: str
    notice_deferred_until: datetime.date | None


def _ground_problem(r: _Request) -> str | None:
    if r.ground.lower() in NEVER_GROUNDS:
        return f"{r.ground!r} is no ground: personal data is never sold, leased or rented"
    if r.ground not in DisclosureGround.values:
        return f"unknown ground {r.ground!r}"
    if r.ground in REFERENCED_GROUNDS and not r.reference.strip():
        return f"the ground {r.ground!r} needs a reference (the order, law or case it rests on)"
    return None


def _category_problem(r: _Request) -> str | None:
    if not r.categories:
        return "it names no data category"
    unknown = [c for c in r.categories if c not in CATEGORIES]
    if unknown:
        return f"unknown data category {unknown[0]!r}"
    sensitive = [c for c in r.categories if c.startswith(SENSITIVE_PREFIX)]
    if sensitive:
        return f"{sensitive[0]} is sensitive data, which is never disclosed"
    return None


def _within(categories: Sequence[str], allowed: Sequence[str], key: str) -> str | None:
    outside = [c for c in categories if c not in allowed]
    if outside:
        return f"{outside[0]} is not in the policy profile's {key}"
    return None


def _registrar_problem(r: _Request) -> str | None:
    return _within(r.categories, current_profile().registrar_categories, "sharing.registrar")


def _processor_problem(r: _Request) -> str | None:
    allowed = current_profile().processor_categories
    return _within(r.categories, allowed, "sharing.payment_processor")


def _partner_problem(r: _Request) -> str | None:
    profile = current_profile()
    if profile.partners == "never":
        return "the policy profile never shares with partners (sharing.partners = 'never')"
    outside = _within(r.categories, profile.partner_categories, "sharing.partner")
    if outside:
        return outside
    if not current_consent(subject=r.subject, purpose=Purpose.PARTNER_SHARING):
        return "the subject has not consented to partner sharing"
    return None


def _affiliate_problem(r: _Request) -> str | None:
    if not current_profile().affiliates_need_to_know:
        return "the policy profile does not share with affiliates (sharing.affiliates_need_to_know)"
    return None


def _authority_problem(r: _Request) -> str | None:
    if r.ground == DisclosureGround.INADVERTENT_CRIME and set(r.categories) == {COMMUNICATIONS}:
        return None  # SHR-6: inadvertently obtained content that appears to concern a crime
    if r.ground not in AUTHORITY_GROUNDS:
        return "an authority receives data only on a subpoena, warrant, court order or legal duty"
    if not r.reference.strip():
        return "an authority receives data only with a reference to its legal authorisation"
    return None


def _agent_problem(r: _Request) -> str | None:
    if not r.reference.strip():
        return "an authorised agent needs a reference to the person's signed permission"
    return None


def _third_party_problem(r: _Request) -> str | None:
    if r.ground != DisclosureGround.HARM:
        return "another party receives account data only to act against someone causing harm"
    return None


_RECIPIENT_RULES: dict[str, Callable[[_Request], str | None]] = {
    RecipientKind.REGISTRAR: _registrar_problem,
    RecipientKind.PAYMENT_PROCESSOR: _processor_problem,
    RecipientKind.PARTNER: _partner_problem,
    RecipientKind.AFFILIATE: _affiliate_problem,
    RecipientKind.AUTHORITY: _authority_problem,
    RecipientKind.AGENT: _agent_problem,
    RecipientKind.THIRD_PARTY: _third_party_problem,
}


def _recipient_problem(r: _Request) -> str | None:
    if not r.recipient.strip():
        return "it names no recipient"
    rule = _RECIPIENT_RULES.get(r.kind)
    return rule(r) if rule else f"unknown recipient kind {r.kind!r}"


def _communications_problem(r: _Request) -> str | None:
    if COMMUNICATIONS not in r.categories:
        return None
    name = COMMUNICATION_GROUNDS.get(DisclosureGround(r.ground))
    if name is None or name not in current_profile().communication_grounds:
        return f"communications content is never disclosed on the ground {r.ground!r}"
    if r.ground == DisclosureGround.INADVERTENT_CRIME and r.kind != RecipientKind.AUTHORITY:
        return "inadvertently obtained content goes only to a legal authority"
    return None


def _deferral_problem(r: _Request) -> str | None:
    if r.notice_deferred_until is None:
        return None
    if r.kind != RecipientKind.AUTHORITY or r.ground != DisclosureGround.LEGAL_PROCESS:
        return "only a court order (an authority on legal process) can defer the notice"
    return None


_CHECKS = (
    _ground_problem,
    _category_problem,
    _recipient_problem,
    _communications_problem,
    _deferral_problem,
)


def _refusal(request: _Request) -> tuple[str, str] | None:
    """The rule that forbids this disclosure (a short code) and why, or None if allowed."""
    for check in _CHECKS:
        problem = check(request)
        if problem:
            return check.__name__.strip("_").removesuffix("_problem"), problem
    return None


def _code(value: str, known: Sequence[str]) -> str:
    """A caller's code as audited: only known codes, so no free text reaches the log."""
    return value if value in known else "unknown"


def _refuse(request: _Request, rule: str, reason: str, actor: Actor | None) -> DisclosureRefused:
    with transaction.atomic():
        record_event(
            action="disclosure.refused",
            actor=actor,
            subject_id=request.subject.id,
            details={
                "recipient_kind": _code(request.kind, RecipientKind.values),
                "ground": _code(request.ground, DisclosureGround.values),
                "categories": [c for c in request.categories if c in CATEGORIES],
                "rule": rule,
            },
        )
    return DisclosureRefused(f"disclosure to {request.kind or 'nobody'} refused: {reason}")


def _record(request: _Request, actor: Actor | None) -> Disclosure:
    with transaction.atomic():
        disclosure = Disclosure.objects.create(
            subject=request.subject,
            recipient_kind=request.kind,
            recipient=request.recipient.strip(),
            categories=list(request.categories),
            ground=request.ground,
            reference=request.reference.strip(),
            actor_id=actor_ref(actor),
            at=timezone.now(),
            notice_deferred_until=request.notice_deferred_until,
        )
        record_event(
            action="disclosure.made",
            actor=actor,
            subject_id=request.subject.id,
            obj=disclosure,
            details={
                "recipient_kind": request.kind,
                "ground": request.ground,
                "categories": list(request.categories),
                "notice_deferred": request.notice_deferred_until is not None,
            },
        )
    return disclosure


def disclose(
    *,
    subject: Subject,
    recipient_kind: str,
    recipient: str,
    categories: Sequence[str],
    ground: str,
    reference: str,
    actor: Actor | None,
    notice_deferred_until: datetime.date | None = None,
) -> Disclosure:
    """Record a release of the subject's data, or raise DisclosureRefused when not allowed.

    A refusal is audited before it is raised; if the caller's own transaction then rolls back,
    that entry goes with it, so call this outside a transaction when the refusal must remain.
    """
    request = _Request(
        subject=subject,
        kind=recipient_kind,
        recipient=recipient,
        categories=tuple(dict.fromkeys(categories)),
        ground=ground,
        reference=reference,
        notice_deferred_until=notice_deferred_until,
    )
    refusal = _refusal(request)
    if refusal:
        raise _refuse(request, *refusal, actor)
    return _record(request, actor)


def disclosures_visible_to(*, subject: Subject, today: datetime.date) -> list[Disclosure]:
    """What the subject sees under "who received my data": deferred notices stay hidden."""
    shown = Q(notice_deferred_until__isnull=True) | Q(notice_deferred_until__lte=today)
    return list(Disclosure.objects.filter(subject=subject).filter(shown).order_by("-at", "-id"))


def defer_notice(
    *, disclosures: Sequence[Disclosure], until: datetime.date, actor: Actor | None
) -> int:
    """Defer (or extend) the subject's notice of these court-ordered disclosures to ``until``.

    Only a disclosure to an authority on legal process can be deferred, and never into the past
    (a notice already due stays shown); each change is audited. Returns how many changed.
    """
    if until < timezone.localdate():
        raise DisclosureRefused(f"a notice cannot be deferred to {until:%Y-%m-%d}, in the past")
    changed = 0
    with transaction.atomic():
        for disclosure in disclosures:
            if disclosure.recipient_kind != RecipientKind.AUTHORITY or (
                disclosure.ground != DisclosureGround.LEGAL_PROCESS
            ):
                raise DisclosureRefused(
                    "only a court order (an authority on legal process) can defer the notice"
                )
            if disclosure.notice_deferred_until == until:
                continue
            Disclosure.objects.filter(pk=disclosure.pk).update(notice_deferred_until=until)
            record_event(
                action="disclosure.notice_deferred",
                actor=actor,
                subject_id=disclosure.subject_id,
                obj=disclosure,
                details={"until": until.isoformat()},
            )
            changed += 1
    return changed
