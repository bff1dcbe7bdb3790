"""Notifying the people an incident affected (SEC-4, GDPR Art. 34): by e-mail through the
outbox, and the telephone call list with each call's outcome. Letters: ``services.letters``.

Each notice is one ``Notice`` row per person and channel (a database constraint), so sending
again reaches only people not yet noticed by that channel; an e-mail's outbox key is the
incident and the person, so it is queued once however often this runs.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clientvault.incidents import messages
from clientvault.incidents.models import (
    AffectedSubject,
    Channel,
    Incident,
    Notice,
    NoticeStatus,
    Outcome,
    Status,
)
from clientvault.incidents.services.refusals import refuse
from clientvault.incidents.wording import notice_text
from clientvault.messaging.services.outbox import queue_message
from clientvault.privacy.actors import Actor, actor_ref
from clientvault.privacy.directory import directory
from clientvault.privacy.services.audit import record_event

BATCH = 500


def not_yet_noticed(incident: Incident, channel: str) -> Iterator[AffectedSubject]:
    """The affected people with no notice by ``channel`` yet, in batches."""
    done = Notice.objects.filter(incident=incident, channel=channel).values("subject_id")
    rows = AffectedSubject.objects.filter(incident=incident).exclude(subject_id__in=done)
    return rows.order_by("id").iterator(chunk_size=BATCH)


def check_open(incident: Incident, actor: Actor) -> None:
    if incident.status in (Status.OPEN, Status.CLOSED):
        raise refuse(
            rule="notify_needs_scope",
            field="__all__",
            message="Notices go only from a scoped incident that is not closed.",
            actor=actor,
            incident=incident,
        )


def start_notifying(incident: Incident) -> None:
    if incident.status == Status.SCOPED:
        Incident.objects.filter(pk=incident.pk).update(status=Status.NOTIFYING)
        incident.status = Status.NOTIFYING


def audit_notices(incident: Incident, actor: Actor, channel: str, counts: dict[str, int]) -> None:
    details = {"channel": channel, **counts}
    record_event(action="incident.notices", actor=actor, obj=incident, details=details)


def send_email_notices(*, incident: Incident, actor: Actor) -> dict[str, int]:
    """Queue the e-mail notice to every affected person not yet e-mailed (audited, counts)."""
    check_open(incident, actor)
    counts = {"sent": 0, "no_address": 0}
    with transaction.atomic():
        for row in not_yet_noticed(incident, Channel.EMAIL):
            counts[_email_one(incident, row)] += 1
        start_notifying(incident)
        audit_notices(incident, actor, Channel.EMAIL, counts)
    return counts


def _email_one(incident: Incident, row: AffectedSubject) -> str:
    contact = directory().contact(row.subject_id)
    address = contact.email if contact is not None else ""
    if "@" not in address:
        _notice(incident, row.subject_id, Channel.EMAIL, NoticeStatus.NO_ADDRESS)
        return "no_address"
    text = notice_text(incident, row.categories)
    queue_message(
        subject_id=row.subject_id,
        to=address,
        kind=messages.BREACH_NOTICE.key,
        context={
            "reference": text.reference,
            "what_happened": text.what_happened,
            "categories": text.categories_text,
            "consequences": text.consequences,
            "measures": text.measures,
            "advice": text.advice,
            "contact": text.contact,
            "operator": text.operator,
            "link": settings.CLIENTVAULT_SITE_URL + reverse("incidents:security_notices"),
        },
        key=f"incidents:{incident.pk}:{row.subject_id}:email",
    )
    _notice(incident, row.subject_id, Channel.EMAIL, NoticeStatus.SENT)
    return "sent"


def _notice(incident: Incident, subject_id: uuid.UUID, channel: str, status: str) -> Notice:
    sent_at = timezone.now() if status == NoticeStatus.SENT else None
    return Notice.objects.create(
        incident=incident, subject_id=subject_id, channel=channel, status=status, sent_at=sent_at
    )


# -- the call list ----------------------------------------------------------------------------


def prepare_call_list(*, incident: Incident, actor: Actor) -> dict[str, int]:
    """A call to make for every affected person not yet on the list; no number on record is
    noted as such (audited, counts)."""
    check_open(incident, actor)
    counts = {"to_call": 0, "no_number": 0}
    with transaction.atomic():
        for row in not_yet_noticed(incident, Channel.TELEPHONE):
            contact = directory().contact(row.subject_id)
            has_number = contact is not None and bool(contact.phone.strip())
            status = NoticeStatus.PENDING if has_number else NoticeStatus.NO_ADDRESS
            _notice(incident, row.subject_id, Channel.TELEPHONE, status)
            counts["to_call" if has_number else "no_number"] += 1
        start_notifying(incident)
        audit_notices(incident, actor, Channel.TELEPHONE, counts)
    return counts


def record_call(*, notice: Notice, outcome: str, note: str, actor: Actor) -> Notice:
    """Record how a call went; reaching the person is the notice given."""
    if notice.channel != Channel.TELEPHONE or notice.status == NoticeStatus.NO_ADDRESS:
        raise refuse(
            rule="not_a_call",
            field="outcome",
            message="Outcome: this person is not on the call list.",
            actor=actor,
            incident=notice.incident,
        )
    if outcome not in Outcome.values:
        raise refuse(
            rule="outcome_unknown",
            field="outcome",
            message="Outcome: choose how the call went.",
            actor=actor,
            incident=notice.incident,
        )
    reached = outcome == Outcome.REACHED
    with transaction.atomic():
        notice.outcome, notice.note = outcome, note.strip()
        notice.status = NoticeStatus.SENT if reached else NoticeStatus.ATTEMPTED
        notice.sent_at = timezone.now() if reached else notice.sent_at
        notice.recorded_by, notice.recorded_at = actor_ref(actor), timezone.now()
        notice.save()
        record_event(
            action="incident.call_recorded",
            actor=actor,
            subject_id=notice.subject_id,
            obj=notice.incident,
            details={"outcome": outcome},
        )
    return notice
