"""Appending to the hash-chained audit log, and verifying the chain."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from clientvault.privacy.actors import Actor, actor_ref, primary_role
from clientvault.privacy.models import AuditEvent, AuditHead

GENESIS = "0" * 64


def entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    body = json.dumps(entry, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def _entry(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_role": event.actor_role,
        "action": event.action,
        "subject_id": str(event.subject_id) if event.subject_id else "",
        "purpose": event.purpose,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "details": event.details,
    }


def record_event(
    *,
    action: str,
    actor: Actor | None,
    subject_id: uuid.UUID | None = None,
    purpose: str = "",
    obj: Any = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction. Never pass personal data."""
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            id=1, defaults={"hash": GENESIS}
        )
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
            details=json.loads(json.dumps(details or {}, default=str)),
            prev_hash=head.hash,
        )
        event.hash = entry_hash(head.hash, _entry(event))
        event.save()
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def verify_chain(batch: int = 2000) -> tuple[int, ChainBreak | None]:
    """Walk the chain in order; return how many entries hold and the first break, if any."""
    prev, expected_seq, checked = GENESIS, 1, 0
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=batch)
    for event in events:
        if event.seq != expected_seq:
            return checked, ChainBreak(expected_seq, f"entry #{expected_seq} is missing")
        if event.prev_hash != prev:
            return checked, ChainBreak(event.seq, "does not follow the entry before it")
        if entry_hash(prev, _entry(event)) != event.hash:
            return checked, ChainBreak(event.seq, "its content was altered")
        prev, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and head.seq != checked:
        return checked, ChainBreak(
            checked + 1, f"the chain ends at #{checked} but its head says #{head.seq}"
        )
    return checked, None
