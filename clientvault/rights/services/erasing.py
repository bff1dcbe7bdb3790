"""Erasing what a request concerns: one person, or a whole account (RGT-1, RET-1, RET-3).

An account-wide erasure (or the erasure of an account's owner) checks holds and blockers for
everyone on the account, closes the account through the directory, then erases every person on
it through the kernel's ``erase_subject``, which follows the inventory (shred, delete, clear,
pseudonymise, retain). A hold or a blocker leaves the request in progress with the reason kept
and the requester told once; the hourly ``resume_stalled_requests`` job tries again.
"""

from __future__ import annotations

import uuid
from typing import Any

from clientvault.privacy.actors import Actor
from clientvault.privacy.directory import directory
from clientvault.privacy.models import Subject
from clientvault.privacy.services.erasure import (
    ErasureBlocked,
    ErasureReport,
    SubjectHeld,
    erase_subject,
    erasure_blockers,
)
from clientvault.privacy.services.erasure_plan import ERASED, ErasureLine
from clientvault.privacy.services.holds import active_holds, hold_notice
from clientvault.rights.models import RightsRequest, Scope


def subjects_to_erase(request: RightsRequest) -> list[uuid.UUID]:
    """The person, or every person on the account (owner first)."""
    if request.scope == Scope.ACCOUNT and request.account:
        return directory().account_subjects(request.account)
    return [request.subject_id] if request.subject_id else []


def account_to_close(request: RightsRequest) -> str:
    """The account the erasure closes: an account-wide one's, or the one its person owns."""
    if request.scope == Scope.ACCOUNT:
        return request.account
    if request.subject_id and directory().is_owner(request.subject_id):
        return directory().account_of(request.subject_id) or ""
    return ""


class Paused(Exception):
    """The erasure cannot go on now; ``outcome`` says why (codes and sentences, no data)."""

    def __init__(self, outcome: dict[str, Any], sentence: str) -> None:
        super().__init__(sentence)
        self.outcome, self.sentence = outcome, sentence


def erase_request(*, request: RightsRequest, actor: Actor) -> list[ErasureReport]:
    """Erase the request's person or account; raise ``Paused`` when held or blocked.

    Holds and what blocks an erasure are checked for everyone first, so an account is closed
    only when its erasure can go through; then each person is erased.
    """
    reason = f"request:{request.reference.lower()}"
    account = account_to_close(request)
    subjects = subjects_to_erase(request)
    if account:
        subjects = list(dict.fromkeys([*subjects, *directory().account_subjects(account)]))
    _refuse_if_paused(subjects)
    if account:
        directory().close_account(account=account, actor=actor, reason=reason)
    return [_erase_one(s, actor, reason) for s in subjects]


def _refuse_if_paused(subjects: list[uuid.UUID]) -> None:
    """Raise ``Paused`` when a hold or a blocker stops the erasure of anyone of ``subjects``
    (a person already erased is past both: their erasure only finishes)."""
    erased = set(
        Subject.objects.filter(pk__in=subjects, erased_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    waiting = [s for s in subjects if s not in erased]
    holds = active_holds(subject_ids=waiting)
    if holds:
        raise Paused({"paused": "held"}, hold_notice(holds))
    blockers = [text for s in waiting for text in erasure_blockers(subject_id=s)]
    if blockers:
        raise Paused({"paused": "blocked"}, " ".join(dict.fromkeys(blockers)))


def final_lines(reports: list[ErasureReport]) -> list[ErasureLine]:
    """Each place's last word: a row shared on an account is kept while its first people are
    erased and erased with the last, and the requester is told the latter."""
    last: dict[tuple[str, str], ErasureLine] = {}
    for report in reports:
        for line in report.lines:
            last[(line.where, line.category)] = line
    return list(last.values())


def _erase_one(subject_id: uuid.UUID, actor: Actor, reason: str) -> ErasureReport:
    try:
        return erase_subject(subject_id=subject_id, actor=actor, reason=reason)
    except SubjectHeld as held:
        raise Paused({"paused": "held"}, held.notice) from None
    except ErasureBlocked as blocked:
        raise Paused({"paused": "blocked"}, str(blocked)) from None


def summary(reports: list[ErasureReport]) -> str:
    """What was erased and what was kept and why, category by category, for the requester."""
    lines = final_lines(reports)
    erased = sorted({line.label for line in lines if line.outcome == ERASED})
    kept = sorted(
        {
            f"{line.label}: {line.why}" + _until(line.kept_until)
            for line in lines
            if line.outcome != ERASED
        }
    )
    parts = ["Erased: " + ("; ".join(erased) or "nothing was left to erase") + "."]
    if kept:
        parts.append("Kept, because the law or another person's rights require it:")
        parts += [f"- {text}" for text in kept]
    return "\n".join(parts)


def _until(day: object) -> str:
    return f" (until {day})" if day else ""
