"""Appending to the hash-chained audit log, and verifying the chain.

Each entry's hash is ``sha256(previous hash + canonical JSON of the entry)``; the single
``AuditHead`` row holds the newest sequence number and hash. Appends lock that row
(``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite every transaction begins ``IMMEDIATE``, see
settings, so writers are serialised by the database lock), which makes the sequence gap-free and
the chain linear however many workers write at once. The lock is held until the caller's
transaction ends, so audited work commits in the order of its entries.

Entries carry ids and codes, never personal data: ``details`` holds only short codes, ids,
whole numbers, booleans or flat lists of them (:func:`clean_details`), so erasing a subject never
needs to touch the chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from clientvault.privacy.actors import Actor, actor_ref, primary_role
from clientvault.privacy.models import AuditEvent, AuditHead
from clientvault.privacy.taxonomy import Purpose

GENESIS = "0" * 64
MAX_TEXT = 64
MAX_NUMBER = 2**53  # exact in every JSON implementation (JavaScript included)

Simple = str | int | bool | None


class AuditDetailError(ValueError):
    """An audit event was given something that is not an id, code, number or boolean."""


# -- the guard --------------------------------------------------------------------------------


def _text_problem(value: str) -> str | None:
    if len(value) > MAX_TEXT:
        return f"is text longer than {MAX_TEXT} characters"
    if "@" in value:
        return "contains '@' (looks like an e-mail address)"
    if any(not ch.isprintable() for ch in value):
        return "contains a line break or control character"
    return None


def _value_problem(value: object) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if abs(value) < MAX_NUMBER else "is a number out of range"
    if isinstance(value, str):
        return _text_problem(value)
    return f"is a {type(value).__name__}"


def _simple(action: str, key: str, value: object) -> Simple:
    """``value`` as stored, or AuditDetailError naming the key (never the value itself)."""
    if isinstance(value, uuid.UUID):
        return str(value)
    problem = _value_problem(value)
    if problem is not None or not (value is None or isinstance(value, str | int)):
        raise AuditDetailError(
            f"audit event {action!r}: details[{key!r}] {problem}; audit details hold only ids, "
            "codes, whole numbers and booleans, never personal data"
        )
    return value


def _clean_value(action: str, key: str, value: Any) -> Simple | list[Simple]:
    if isinstance(value, list | tuple | frozenset | set):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [_simple(action, f"{key}[{i}]", item) for i, item in enumerate(items)]
    return _simple(action, key, value)


def clean_details(action: str, details: Mapping[str, Any] | None) -> dict[str, Any]:
    """The details as stored; refuses anything that is not a simple id, code, number or flag."""
    cleaned: dict[str, Any] = {}
    for key, value in (details or {}).items():
        if not isinstance(key, str) or _text_problem(key) or not key:
            raise AuditDetailError(f"audit event {action!r}: details keys must be short codes")
        cleaned[key] = _clean_value(action, key, value)
    return cleaned


def _check_codes(action: str, purpose: str) -> None:
    if not action or _text_problem(action) or " " in action:
        raise AuditDetailError(
            "an audit action must be a short code like 'reveal' (no spaces, no '@', "
            f"at most {MAX_TEXT} characters)"
        )
    if purpose and purpose not in Purpose.values:
        raise AuditDetailError(f"audit event {action!r}: unknown purpose {purpose!r}")


# -- appending --------------------------------------------------------------------------------


def _timestamp(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def hashed_fields(event: AuditEvent) -> dict[str, Any]:
    """What the hash covers: every column but the hashes themselves."""
    return {
        "seq": event.seq,
        "at": _timestamp(event.at),
        "actor_id": event.actor_id,
        "actor_role": event.actor_role,
        "action": event.action,
        "subject_id": str(event.subject_id) if event.subject_id else "",
        "purpose": event.purpose,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "details": event.details,
    }


def entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    body = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def _locked_head() -> AuditHead:
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1, defaults={"hash": GENESIS})
    return head


def record_event(
    *,
    action: str,
    actor: Actor | None,
    subject_id: uuid.UUID | None = None,
    purpose: str = "",
    obj: models.Model | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction. Never pass personal data."""
    _check_codes(action, purpose)
    cleaned = clean_details(action, details)
    with transaction.atomic():
        head = _locked_head()
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            actor_id=actor_ref(actor),
            actor_role=primary_role(actor),
            action=action,
            subject_id=subject_id,
            purpose=purpose,
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            details=cleaned,
            prev_hash=head.hash,
        )
        event.hash = entry_hash(head.hash, hashed_fields(event))
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


# -- verifying --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"entry #{self.seq} {self.reason}"


@dataclass(frozen=True)
class Verification:
    checked: int
    first_break: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.first_break is None


def _problem(event: AuditEvent, expected_seq: int, prev_hash: str) -> ChainBreak | None:
    if event.seq != expected_seq:
        return ChainBreak(expected_seq, f"is missing (the next entry found is #{event.seq})")
    if event.prev_hash != prev_hash:
        return ChainBreak(
            event.seq,
            f"does not follow entry #{event.seq - 1} (reordered, inserted or rewritten)",
        )
    if entry_hash(prev_hash, hashed_fields(event)) != event.hash:
        return ChainBreak(
            event.seq, "was altered after it was written (its hash does not match its content)"
        )
    return None


def _walk(events: Iterator[AuditEvent]) -> tuple[int, str, ChainBreak | None]:
    """Entries that hold, the last good hash, and the first break."""
    prev, checked = GENESIS, 0
    for event in events:
        problem = _problem(event, checked + 1, prev)
        if problem:
            return checked, prev, problem
        prev, checked = event.hash, checked + 1
    return checked, prev, None


def _head_problem(checked: int, last_hash: str, start: tuple[int, str]) -> ChainBreak | None:
    """Compare the walked chain with the head read before the walk (appends may have followed)."""
    head_seq, head_hash = start
    if checked < head_seq:
        return ChainBreak(checked + 1, f"is missing (the head records {head_seq} entries)")
    if checked == head_seq and last_hash != head_hash:
        return ChainBreak(checked, "does not match the hash the head records for it")
    now = AuditHead.objects.filter(id=1).values_list("seq", flat=True).first() or 0
    if checked > max(head_seq, now):
        return ChainBreak(max(head_seq, now) + 1, "lies past the chain's head (was it inserted?)")
    return None


def _head_now() -> tuple[int, str]:
    head = AuditHead.objects.filter(id=1).values_list("seq", "hash").first()
    return head if head is not None else (0, GENESIS)


def verify_chain(*, batch: int = 2000) -> Verification:
    """Walk the chain in order; how many entries hold, and the first break if there is one."""
    start = _head_now()
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=batch)
    checked, last_hash, problem = _walk(events)
    if problem is None:
        problem = _head_problem(checked, last_hash, start)
    return Verification(checked, problem)


def latest_events(*, count: int) -> list[AuditEvent]:
    """The newest ``count`` entries, oldest first."""
    newest = AuditEvent.objects.order_by("-seq")[:count]
    return list(reversed(newest))
