"""Erasing what a request concerns: one person, or a whole account (RGT-1, RET-1, RET-3).

An account-wide erasure (or the erasure of an account's owner) first closes the account through
the directory, then erases every person on it; each person through the kernel's
``erase_subject``, which follows the inventory (shred, delete, clear, pseudonymise, retain) and
refuses a held subject or one whose erasure something blocks. Both refusals leave the request in
progress with the reason kept and the requester told once; the daily job tries again.
"""

from __future__ import annotations

import uuid
from typing import Any

from clientvault.privacy.actors import Actor
from clientvault.privacy.directory import directory
from clientvault.privacy.services.erasure import (
    ErasureBlocked,
    ErasureReport,
    SubjectHeld,
    erase_subject,
    erasure_blockers,
)
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

    What blocks an erasure is checked for everyone first, so a blocked account is not closed;
    then the account is closed, then each person erased (a held person pauses the rest).
    """
    reason = f"request:{request.reference.lower()}"
    account = account_to_close(request)
    subjects = subjects_to_erase(request)
    if account:
        subjects = list(dict.fromkeys([*subjects, *directory().account_subjects(account)]))
    blockers = [text for s in subjects for text in erasure_blockers(subject_id=s)]
    if blockers:
        raise Paused({"paused": "blocked"}, " ".join(dict.fromkeys(blockers)))
    if account:
        directory().close_account(account=account, actor=actor, reason=reason)
    return [_erase_one(s, actor, reason) for s in subjects]


def _erase_one(subject_id: uuid.UUID, actor: Actor, reason: str) -> ErasureReport:
    try:
        return erase_subject(subject_id=subject_id, actor=actor, reason=reason)
    except SubjectHeld as held:
        raise Paused({"paused": "held"}, held.notice) from None
    except ErasureBlocked as blocked:
        raise Paused({"paused": "blocked"}, str(blocked)) from None


def summary(reports: list[ErasureReport]) -> str:
    """What was erased and what was kept and why, category by category, for the requester."""
    erased = sorted({line.label for r in reports for line in r.erased()})
    kept = sorted(
        {
            f"{line.label}: {line.why}" + _until(line.kept_until)
            for r in reports
            for line in r.kept()
        }
    )
    parts = ["Erased: " + ("; ".join(erased) or "nothing was left to erase") + "."]
    if kept:
        parts.append("Kept, because the law or another person's rights require it:")
        parts += [f"- {text}" for text in kept]
    return "\n".join(parts)


def _until(day: object) -> str:
    return f" (until {day})" if day else ""
