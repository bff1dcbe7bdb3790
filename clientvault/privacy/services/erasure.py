"""Erasure: every declared field's strategy applied to the subject's rows, and crypto-shredding.

:func:`shred_subject` destroys the subject's key (first, committed on its own: the key store is
another database), from which moment every sealed value of the subject, live or in any backup,
reads as erased; then, in one transaction on the data database, it clears the blind indexes,
marks ``Subject.erased_at``, runs what each app declared with ``on_erasure`` (closing a login,
say) and audits. Should that transaction fail, running it again finishes it.

:func:`erase_subject` builds on it. It refuses while a hold is active (:class:`SubjectHeld`) or a
registered blocker objects (:class:`ErasureBlocked`); then it destroys the key, and in one
transaction on the data database applies every other strategy (``clear``, ``pseudonymise``,
``delete``; ``retain`` is kept and reported with its legal basis and end date), calls
:func:`shred_subject` for the rest and audits ``subject.erased``.

Why the key goes first: the data database's work is one transaction, so a worker killed at any
point leaves one of three states, each of which a re-run finishes exactly once. Killed before the
key is destroyed: nothing happened, the re-run starts afresh. Killed after it (the transaction
rolled back): the key is gone, so nothing the subject gave can be read any more, and the re-run,
seeing the key destroyed, knows the erasure began and finishes it without asking the holds and
blockers again (a hold placed after that moment could not bring the key back). Killed after the
commit: ``erased_at`` is set and the re-run reports ``already_erased``. Clearing first and
destroying the key last would instead leave, after a crash, a subject half cleared yet readable,
whose re-run a newly placed hold could refuse for ever.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.module_loading import import_string

from clientvault.privacy import vault
from clientvault.privacy.actors import Actor
from clientvault.privacy.fields import BlindIndexField
from clientvault.privacy.inventory import registry
from clientvault.privacy.models import Hold, Subject, SubjectKey
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.services.erasure_plan import (
    ErasureLine,
    ErasureReport,
    ModelCount,
    Target,
    changes,
    count_rows,
    model_lines,
    ordered,
    targets,
)
from clientvault.privacy.services.holds import active_holds, hold_notice

_REASON = re.compile(r"[a-z0-9][a-z0-9_.:-]{0,63}")
_CHUNK = 500


@dataclass(frozen=True)
class Shredding:
    subject_id: uuid.UUID
    key_destroyed: bool  # False when it was destroyed before
    indexes_cleared: int  # rows whose blind indexes were cleared
    already_erased: bool  # nothing was left to do
    rows_closed: int = 0  # rows the apps' on_erasure changed (logins closed, sessions ended...)


def _check_reason(reason: str) -> None:
    if not _REASON.fullmatch(reason):
        raise ValueError(
            f"reason {reason!r} must be a short code or reference (a-z, 0-9, _ . : -), "
            "never free text"
        )


def _subject(subject_id: uuid.UUID) -> Subject:
    found = Subject.objects.filter(pk=subject_id).first()
    if found is None:
        raise Subject.DoesNotExist(f"no subject with id {subject_id}: nothing was erased")
    return found


def shred_subject(*, subject: Subject | uuid.UUID, actor: Actor | None, reason: str) -> Shredding:
    """Erase a subject by destroying their key (idempotent).

    ``reason`` is a short code or reference (``request:42``, ``retention``), never free text: it
    goes into the audit log, which holds no personal data.
    """
    _check_reason(reason)
    subject_id = subject.pk if isinstance(subject, Subject) else subject
    _subject(subject_id)
    key_destroyed = vault.destroy_subject_key(subject_id)
    with transaction.atomic():
        row = Subject.objects.select_for_update().get(pk=subject_id)
        cleared = _clear_blind_indexes(row.pk)
        was_erased = row.erased_at is not None
        if not was_erased:
            row.erased_at = timezone.now()
            row.save(update_fields=["erased_at"])
        closed = _run_erasure_hooks(row.pk, actor)
        if was_erased and not key_destroyed and not cleared and not closed:
            return Shredding(row.pk, key_destroyed, cleared, already_erased=True)
        details = {"reason": reason, "key_destroyed": key_destroyed, "rows_cleared": cleared}
        record_event(
            action="subject.shredded",
            actor=actor,
            subject_id=row.pk,
            obj=row,
            details={**details, "rows_closed": closed},
        )
    return Shredding(row.pk, key_destroyed, cleared, already_erased=False, rows_closed=closed)


def _clear_blind_indexes(subject_id: uuid.UUID) -> int:
    """Clear every blind index on the subject's rows in declared models; how many rows changed."""
    cleared = 0
    for declaration in registry:
        model = _installed(declaration.label)
        names = _index_names(model) if model is not None else []
        if model is None or not names or not declaration.subject:
            continue
        set_any = models.Q(*[models.Q(**{f"{n}__isnull": False}) for n in names], _connector="OR")
        rows = model._base_manager.filter(**{declaration.subject: subject_id}).filter(set_any)
        cleared += rows.update(**dict.fromkeys(names))
    return cleared


def _run_erasure_hooks(subject_id: uuid.UUID, actor: Actor | None) -> int:
    """Run every installed declaration's ``on_erasure``; how many rows they changed."""
    changed = 0
    for declaration in registry:
        if declaration.on_erasure and _installed(declaration.label) is not None:
            hook = import_string(declaration.on_erasure)
            changed += int(hook(subject_id=subject_id, actor=actor))
    return changed


def _index_names(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]


def _installed(label: str) -> type[models.Model] | None:
    declaration = registry.get(label)
    try:
        return declaration.model if declaration else None
    except LookupError:
        return None


def reapply_shredding(*, actor: Actor | None, reason: str = "restore") -> int:
    """Shred again every subject of the data database whose key the key store has destroyed.

    After restoring a backup taken before an erasure, the erased subject's values already read as
    erased (the key is gone); this clears their blind indexes and marks them erased again.
    """
    destroyed = vault.destroyed_subject_ids()
    count = 0
    for start in range(0, len(destroyed), _CHUNK):
        chunk = destroyed[start : start + _CHUNK]
        pending = Subject.objects.filter(pk__in=chunk, erased_at__isnull=True)
        for subject_id in pending.values_list("pk", flat=True):
            shred_subject(subject=subject_id, actor=actor, reason=reason)
            count += 1
    return count


# -- erasure, strategy by strategy ------------------------------------------------------------


class SubjectHeld(Exception):
    """Erasure refused: holds apply. ``notice`` is the sentence to tell the requester."""

    def __init__(self, holds: list[Hold], notice: str) -> None:
        super().__init__(notice)
        self.holds = tuple(holds)
        self.notice = notice


class ErasureBlocked(Exception):
    """Erasure refused: ``reasons`` are the blockers' sentences (what must happen first)."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(" ".join(reasons))
        self.reasons = tuple(reasons)


ErasureBlocker = Callable[..., list[str]]
_BLOCKERS: list[ErasureBlocker] = []


def register_erasure_blocker(fn: ErasureBlocker) -> None:
    """Ask ``fn(*, subject_id) -> list[str]`` before every erasure; any sentence refuses it."""
    if fn not in _BLOCKERS:
        _BLOCKERS.append(fn)


def erasure_blockers(*, subject_id: uuid.UUID) -> list[str]:
    """What the registered blockers say stands in the way of erasing the subject."""
    return [reason for fn in _BLOCKERS for reason in fn(subject_id=subject_id)]


def _erased_on(subject: Subject) -> datetime.date:
    return timezone.localdate(subject.erased_at) if subject.erased_at else timezone.localdate()


def plan_erasure(*, subject_id: uuid.UUID) -> ErasureReport:
    """What erasing the subject would erase and keep, category by category; changes nothing."""
    subject = _subject(subject_id)
    erased_on = _erased_on(subject)
    lines = [ln for t in targets() for ln in model_lines(count_rows(t, subject_id), erased_on)]
    return ErasureReport(subject.pk, subject.erased_at is not None, ordered(lines))


def _refuse_if_held_or_blocked(subject_id: uuid.UUID) -> None:
    holds = active_holds(subject_ids=[subject_id])
    if holds:
        raise SubjectHeld(holds, hold_notice(holds))
    reasons = erasure_blockers(subject_id=subject_id)
    if reasons:
        raise ErasureBlocked(reasons)


def _erasure_began(subject_id: uuid.UUID) -> bool:
    """Whether the key is already destroyed (an erasure was cut short after that step)."""
    return SubjectKey.objects.filter(subject_id=subject_id, wrapped__isnull=True).exists()


def erase_subject(*, subject_id: uuid.UUID, actor: Actor | None, reason: str) -> ErasureReport:
    """Erase the subject field by field as the inventory declares; what was erased and kept.

    Refuses with :class:`SubjectHeld` or :class:`ErasureBlocked` before changing anything.
    Idempotent: once done, it reports ``already_erased`` and changes nothing; after a crash at
    any point it finishes the work (see the module's docstring).
    """
    _check_reason(reason)
    subject = _subject(subject_id)
    if subject.erased_at is not None:
        return plan_erasure(subject_id=subject.pk)
    if not _erasure_began(subject.pk):
        _refuse_if_held_or_blocked(subject.pk)
    vault.destroy_subject_key(subject.pk)
    with transaction.atomic():
        locked = Subject.objects.select_for_update().get(pk=subject.pk)
        if locked.erased_at is not None:  # another worker finished it meanwhile
            return plan_erasure(subject_id=subject.pk)
        lines = _apply_all(locked.pk, timezone.localdate())
        shred_subject(subject=locked.pk, actor=actor, reason=reason)
        details = {"reason": reason, **_totals(lines)}
        record_event(
            action="subject.erased", actor=actor, subject_id=locked.pk, obj=locked, details=details
        )
    return ErasureReport(locked.pk, False, ordered(lines))


def _apply_all(subject_id: uuid.UUID, erased_on: datetime.date) -> list[ErasureLine]:
    return [line for target in targets() for line in _apply(target, subject_id, erased_on)]


def _apply(target: Target, subject_id: uuid.UUID, erased_on: datetime.date) -> list[ErasureLine]:
    """Apply the model's strategies to the rows that are the subject's alone; its lines."""
    count = count_rows(target, subject_id)
    if not count.exclusive:
        return model_lines(count, erased_on)
    if target.deletes:
        return model_lines(count, erased_on, refused=_delete(target, subject_id))
    update = changes(target, list(target.declaration.personal_fields()))
    if update:
        target.exclusive(subject_id).update(**update)
    return model_lines(count, erased_on)


def _delete(target: Target, subject_id: uuid.UUID) -> str:
    """Delete the subject's own rows; why they were kept when other rows protect them ("")."""
    try:
        with transaction.atomic():  # a savepoint: a refused deletion leaves the rest intact
            target.exclusive(subject_id).delete()
    except (ProtectedError, RestrictedError) as error:
        return f"kept: still referenced by {', '.join(_holders(error))}"
    return ""


def _holders(error: ProtectedError | RestrictedError) -> list[str]:
    objects: Any = (
        error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
    )
    return sorted({obj._meta.label for obj in objects})


def _totals(lines: list[ErasureLine]) -> dict[str, int]:
    """Counts only, for the audit log."""
    return {
        "rows_erased": sum(line.rows for line in lines if line.outcome == "erased"),
        "rows_kept": sum(line.rows for line in lines if line.outcome == "kept"),
        "lines": len(lines),
    }


__all__ = [
    "ErasureBlocked",
    "ErasureLine",
    "ErasureReport",
    "ModelCount",
    "Shredding",
    "SubjectHeld",
    "erase_subject",
    "erasure_blockers",
    "plan_erasure",
    "reapply_shredding",
    "register_erasure_blocker",
    "shred_subject",
]
