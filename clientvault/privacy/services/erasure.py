"""Erasure by crypto-shredding: destroy the subject's key, then clear what could still find them.

Destroying the key comes first and commits on its own (the key store is another database): from
that moment every value of the subject, live or in any backup, reads as erased. The rest (blind
indexes cleared, ``Subject.erased_at``, what each app declared it must do on erasure with
``on_erasure`` in its inventory, such as closing a login, and the audit event) follows in one
transaction on the data database; should it fail, running the service again finishes it.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from clientvault.privacy import vault
from clientvault.privacy.actors import Actor
from clientvault.privacy.fields import BlindIndexField
from clientvault.privacy.inventory import registry
from clientvault.privacy.models import Subject
from clientvault.privacy.services.audit import record_event

_REASON = re.compile(r"[a-z0-9][a-z0-9_.:-]{0,63}")
_CHUNK = 500


@dataclass(frozen=True)
class Shredding:
    subject_id: uuid.UUID
    key_destroyed: bool  # False when it was destroyed before
    indexes_cleared: int  # rows whose blind indexes were cleared
    already_erased: bool  # nothing was left to do
    rows_closed: int = 0  # rows the apps' on_erasure changed (logins closed, sessions ended...)


def shred_subject(*, subject: Subject | uuid.UUID, actor: Actor | None, reason: str) -> Shredding:
    """Erase a subject by destroying their key (idempotent).

    ``reason`` is a short code or reference (``request:42``, ``retention``), never free text: it
    goes into the audit log, which holds no personal data.
    """
    if not _REASON.fullmatch(reason):
        raise ValueError(
            f"reason {reason!r} must be a short code or reference (a-z, 0-9, _ . : -), "
            "never free text"
        )
    subject_id = subject.pk if isinstance(subject, Subject) else subject
    if not Subject.objects.filter(pk=subject_id).exists():
        raise Subject.DoesNotExist(f"no subject with id {subject_id}: nothing was erased")
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
