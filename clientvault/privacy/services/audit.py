"""Appending to the keyed, anchored audit log, and verifying it.

Each entry's hash is an HMAC-SHA256, under the audit key, of the previous hash and the canonical
JSON of the entry. The audit key is a system key of the key store (wrapped by the master key like
the blind-index key), never in the data database, so whoever can write to the data database
alone cannot recompute a hash after rewriting an entry. The single ``AuditHead`` row holds the
newest sequence number and hash. Appends lock that row (``SELECT ... FOR UPDATE`` on PostgreSQL;
on SQLite every transaction begins ``IMMEDIATE``, see settings, so writers are serialised by the
database lock), which makes the sequence gap-free and the chain linear however many workers write
at once. The lock is held until the caller's transaction ends, so audited work commits in the
order of its entries.

After every transaction that appended, the head is anchored: a checkpoint of its sequence number
and hash, MACed under the audit key, is written to the key store (``AuditAnchor``), outside the
data database, once the entries since the previous checkpoint are checked to follow it. A
checkpoint never moves back (only a restore, which is run with the keys, rebases it), so cutting
the log short, or cutting it and letting new entries grow over the gap, is seen by
:func:`verify_chain`. What each kind of attacker can and cannot do: docs/threat-model.md.

Entries carry ids and codes, never personal data: ``details`` holds only short codes, ids,
whole numbers, booleans or flat lists of them (:func:`clean_details`), so erasing a subject never
needs to touch the chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from clientvault.privacy import vault
from clientvault.privacy.actors import Actor, actor_ref, primary_role
from clientvault.privacy.models import AuditAnchor, AuditEvent, AuditHead
from clientvault.privacy.routers import KEYSTORE_ALIAS
from clientvault.privacy.taxonomy import AUDIT_PURPOSES

GENESIS = "0" * 64
AUDIT_KEY_NAME = "audit-chain"
MAX_TEXT = 64
MAX_NUMBER = 2**53  # exact in every JSON implementation (JavaScript included)

Simple = str | int | bool | None

logger = logging.getLogger("clientvault.audit")


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
    if purpose and purpose not in AUDIT_PURPOSES:
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


def audit_key() -> bytes:
    """The key of the chain's hashes and checkpoints: in the key store, made on first use."""
    return vault.system_key(AUDIT_KEY_NAME)


def _mac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def entry_hash(key: bytes, prev_hash: str, entry: dict[str, Any]) -> str:
    body = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return _mac(key, f"audit-entry\n{prev_hash}\n{body}")


def anchor_mac(key: bytes, seq: int, hash_: str, at: dt.datetime) -> str:
    return _mac(key, f"audit-anchor\n{seq}\n{hash_}\n{_timestamp(at)}")


def _locked_head() -> AuditHead:
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1, defaults={"hash": GENESIS})
    if head.seq == 0:
        _anchor_genesis()
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
        event.hash = entry_hash(audit_key(), head.hash, hashed_fields(event))
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
        _AnchorAfterCommit.register()
    return event


# -- anchoring --------------------------------------------------------------------------------


def _write_anchor(anchor: AuditAnchor | None, seq: int, hash_: str) -> bool:
    """Replace the checkpoint ``anchor`` as read (or make the first) by ``(seq, hash_)``, MACed.

    False if the checkpoint is no longer the one read: another process moved it meanwhile.
    """
    at = timezone.now()
    values = {"seq": seq, "hash": hash_, "at": at, "mac": anchor_mac(audit_key(), seq, hash_, at)}
    if anchor is None:
        AuditAnchor.objects.create(id=1, **values)
        return True
    read = {"seq": anchor.seq, "hash": anchor.hash, "mac": anchor.mac}
    return AuditAnchor.objects.filter(id=1, **read).update(**values) == 1


def _anchor_genesis() -> None:
    """The first checkpoint, of the empty chain; never made again once any exists."""
    if not AuditAnchor.objects.filter(id=1).exists():
        with transaction.atomic(using=KEYSTORE_ALIAS):
            if not AuditAnchor.objects.select_for_update().filter(id=1).exists():
                _write_anchor(None, 0, GENESIS)


def _anchor_is_genuine(anchor: AuditAnchor) -> bool:
    expected = anchor_mac(audit_key(), anchor.seq, anchor.hash, anchor.at)
    return hmac.compare_digest(anchor.mac, expected)


def _unanchored_head(anchor: AuditAnchor | None) -> tuple[int, str] | str:
    """The newest committed entry, checked to follow the checkpoint; or why there is none."""
    if anchor is None:
        return "the anchor is missing from the key store"
    if not _anchor_is_genuine(anchor):
        return "the anchor in the key store is forged or damaged"
    events = AuditEvent.objects.filter(seq__gt=anchor.seq).order_by("seq").iterator(500)
    seq, hash_, problem = _walk(events, (anchor.seq, anchor.hash), audit_key())
    return (seq, hash_) if problem is None else f"after the anchor (#{anchor.seq}), {problem}"


class _AnchorAfterCommit:
    """The anchoring a transaction that appended has pending: one per transaction."""

    def __init__(self) -> None:
        self.ran = False
        self.__qualname__ = "anchor_head"  # what Django names in its own error messages

    @classmethod
    def register(cls) -> None:
        pending = transaction.get_connection().run_on_commit
        if not any(isinstance(f, cls) and not f.ran for _, f, _ in pending):
            transaction.on_commit(cls())

    def __call__(self) -> None:
        self.ran = True
        try:
            anchor_head()
        except Exception:  # the entries are committed; the next commit anchors them
            logger.exception("audit log not anchored: the key store could not be written")


def anchor_head() -> None:
    """Checkpoint the committed head in the key store, once it is checked to follow the last.

    Run once after each commit that appended; a later commit's run may already have anchored
    this one's entries. Entries that do not follow the checkpoint are left unanchored and
    logged (ids only), and ``clientvault audit verify`` names the break.
    """
    problem = _advance_anchor()
    for _ in range(2):
        if problem != RACED:
            break
        problem = _advance_anchor()
    if problem is not None:
        logger.error("audit log not anchored: %s; run clientvault audit verify", problem)


RACED = "another process moved the anchor at the same moment"


def _advance_anchor() -> str | None:
    """One try at moving the checkpoint to the committed head: None, or why it did not move."""
    with transaction.atomic(using=KEYSTORE_ALIAS):
        anchor = AuditAnchor.objects.select_for_update().filter(id=1).first()
        head = _unanchored_head(anchor)
        if isinstance(head, str):
            return head
        if anchor is not None and head[0] > anchor.seq and not _write_anchor(anchor, *head):
            return RACED
    return None


def rebase_anchor() -> int | None:
    """Anchor the current head whatever the checkpoint says; the sequence number it replaced.

    Only for a restore (the restored log may end before the checkpoint) and for re-anchoring a
    log whose checkpoint was lost, each after the chain was checked with the key.
    """
    with transaction.atomic(using=KEYSTORE_ALIAS):
        before = AuditAnchor.objects.select_for_update().filter(id=1).first()
        if not _write_anchor(before, *_head_now()):
            raise RuntimeError(f"audit log not anchored: {RACED}; run it again")
    return before.seq if before is not None else None


# -- verifying --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainBreak:
    seq: int | None  # the entry that breaks, or None when the anchor itself is the problem
    reason: str

    def __str__(self) -> str:
        return self.reason if self.seq is None else f"entry #{self.seq} {self.reason}"


@dataclass(frozen=True)
class Verification:
    checked: int
    first_break: ChainBreak | None
    anchored: int = 0  # the sequence number the key store's checkpoint vouches for

    @property
    def intact(self) -> bool:
        return self.first_break is None


def _problem(event: AuditEvent, expected_seq: int, prev_hash: str, key: bytes) -> ChainBreak | None:
    if event.seq != expected_seq:
        return ChainBreak(expected_seq, f"is missing (the next entry found is #{event.seq})")
    if event.prev_hash != prev_hash:
        return ChainBreak(
            event.seq,
            f"does not follow entry #{event.seq - 1} (reordered, inserted or rewritten)",
        )
    if not hmac.compare_digest(entry_hash(key, prev_hash, hashed_fields(event)), event.hash):
        return ChainBreak(
            event.seq,
            "was altered after it was written (its keyed hash does not match its content)",
        )
    return None


def _walk(
    events: Iterable[AuditEvent], start: tuple[int, str], key: bytes
) -> tuple[int, str, ChainBreak | None]:
    """From ``start`` (sequence number, hash): the last entry that holds, its hash, the break."""
    seq, prev = start
    for event in events:
        problem = _problem(event, seq + 1, prev, key)
        if problem:
            return seq, prev, problem
        prev, seq = event.hash, seq + 1
    return seq, prev, None


def _anchor_problem(anchor: AuditAnchor | None, checked: int) -> ChainBreak | None:
    """Compare the walked chain with the checkpoint read before the walk."""
    if anchor is None:
        if checked == 0:
            return None
        return ChainBreak(
            None,
            "the anchor is missing from the key store, so nothing shows the log was not cut "
            "short (`clientvault audit anchor` anchors it again once you know why)",
        )
    if not _anchor_is_genuine(anchor):
        return ChainBreak(
            None, "the anchor in the key store is forged or damaged (its MAC does not verify)"
        )
    if checked < anchor.seq:
        return ChainBreak(
            checked + 1,
            f"is missing: the anchor in the key store vouches for {anchor.seq} entries "
            "(the log was cut short)",
        )
    stored = AuditEvent.objects.filter(seq=anchor.seq).values_list("hash", flat=True).first()
    if anchor.seq and stored != anchor.hash:
        return ChainBreak(
            anchor.seq, "does not match the hash anchored in the key store (it was replaced)"
        )
    return None


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


def _walk_all(batch: int) -> tuple[int, str, ChainBreak | None]:
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=batch)
    return _walk(events, (0, GENESIS), audit_key())


def check_chain(*, batch: int = 2000) -> ChainBreak | None:
    """The first break of the chain walked with the key alone (not held against the anchor)."""
    return _walk_all(batch)[2]


def anchored_seq() -> int | None:
    """The sequence number the key store's checkpoint vouches for (None: there is none)."""
    return AuditAnchor.objects.filter(id=1).values_list("seq", flat=True).first()


def verify_chain(*, batch: int = 2000) -> Verification:
    """Walk the chain in order, then hold it against its checkpoint and its head.

    How many entries hold, and the first break: an entry altered, missing, reordered or
    inserted; the log shorter than its checkpoint; the checkpoint missing or forged.
    """
    anchor = AuditAnchor.objects.filter(id=1).first()  # first: it may only lag behind the walk
    start = _head_now()
    checked, last_hash, problem = _walk_all(batch)
    problem = problem or _anchor_problem(anchor, checked)
    problem = problem or _head_problem(checked, last_hash, start)
    return Verification(checked, problem, anchor.seq if anchor is not None else 0)


def latest_events(*, count: int) -> list[AuditEvent]:
    """The newest ``count`` entries, oldest first."""
    newest = AuditEvent.objects.order_by("-seq")[:count]
    return list(reversed(newest))
