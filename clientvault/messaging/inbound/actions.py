"""What a message that came in changes: consent withdrawn, a bounce, a complaint.

Each function runs in the caller's transaction (one per message, in ``receive``), so a message
is acted on wholly or not at all. Consent is withdrawn through the ledger, which audits each
record; a purpose already withdrawn is not recorded again, so a message delivered twice (a
sending server retrying after a lost reply) records once and confirms once (the confirmation is
queued under a key made from the message's Message-ID).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable

from django.utils import timezone

from clientvault.messaging.delivery import suppress
from clientvault.messaging.inbound.outcome import Action
from clientvault.messaging.inbound.reports import DeliveryReport, FeedbackReport
from clientvault.messaging.messages import OPT_OUT_CONFIRMATION
from clientvault.messaging.models import TRANSITIONS, Message, Status, SuppressionReason
from clientvault.messaging.services.outbox import queue_message
from clientvault.messaging.unsubscribe import LISTS, read_token
from clientvault.privacy.contacts import subjects_with_email
from clientvault.privacy.fields import BlindIndexField
from clientvault.privacy.models import ConsentSource, Subject
from clientvault.privacy.services.consent import current_consent, withdraw_consent
from clientvault.privacy.taxonomy import Purpose

OPT_OUT_REFERENCE = "e-mail to the opt-out address; DKIM {dkim}"
COMPLAINT_REFERENCE = "abuse report from the recipient's mail provider"
# A report may move a message to BOUNCED only from a state that allows it, or find it there.
BOUNCEABLE = [s for s, after in TRANSITIONS.items() if Status.BOUNCED in after] + [Status.BOUNCED]
LIST_ORDER = [Purpose.MARKETING, Purpose.PARTNER_SHARING, Purpose.RESELLER_NEWSLETTER]


def withdraw(*, subject: Subject, purposes: Iterable[str], reference: str) -> int:
    """Withdraw each of ``purposes`` the subject still consents to, by e-mail; how many."""
    withdrawn = 0
    for purpose in sorted(purposes):
        if current_consent(subject=subject, purpose=purpose):
            withdraw_consent(
                subject=subject,
                purpose=purpose,
                source=ConsentSource.EMAIL,
                actor=None,
                reference=reference,
            )
            withdrawn += 1
    return withdrawn


def opt_out_targets(*, sender: str, token: str, purposes: set[str]) -> dict[uuid.UUID, set[str]]:
    """Whose consents a request withdraws: every subject on record with the sender's address,
    and the subject a genuine unsubscribe token names (its list too)."""
    targets = {subject_id: set(purposes) for subject_id in subjects_with_email(sender)}
    ticket = read_token(token) if token else None
    if ticket is not None:
        targets.setdefault(ticket.subject_id, set(purposes)).add(ticket.purpose)
    return targets


def opt_out(*, sender: str, token: str, purposes: set[str], dkim: str, key: str) -> None:
    """Withdraw what the opt-out address stands for, and confirm it to the sender.

    A sender who is not on record (and has no genuine token) changes nothing and is sent
    nothing: a reply would tell a stranger, or whoever forged the sender, who is a customer.
    When the sender was forged for someone on record, the confirmation tells them.
    """
    targets = opt_out_targets(sender=sender, token=token, purposes=purposes)
    subjects = Subject.objects.filter(pk__in=targets, erased_at__isnull=True).order_by("pk")
    reference = OPT_OUT_REFERENCE.format(dkim=dkim)
    for subject in subjects:
        withdraw(subject=subject, purposes=targets[subject.pk], reference=reference)
    first = subjects.first()
    if first is not None:
        confirm(subject_id=first.pk, to=sender, purposes=targets[first.pk], key=key)


def list_names(purposes: Iterable[str]) -> str:
    """The lists' names for a sentence: "news and offers by e-mail and offers from our partners"."""
    names = [LISTS[p] for p in LIST_ORDER if p in set(purposes)]
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)


def confirm(*, subject_id: uuid.UUID, to: str, purposes: Iterable[str], key: str) -> Message:
    digest = hashlib.sha256(f"opt-out {key}".encode()).hexdigest()[:40]
    return queue_message(
        subject_id=subject_id,
        to=to,
        kind=OPT_OUT_CONFIRMATION.key,
        context={"withdrawn": list_names(purposes)},
        key=f"opt-out-{digest}",
    )


def reported_message(header_id: str) -> Message | None:
    """The outbox row a report is about, locked; None when it names none of ours."""
    if not header_id:
        return None
    rows = Message.objects.select_for_update().filter(header_id=header_id)
    return rows.filter(status__in=BOUNCEABLE).first()


def record_bounce(report: DeliveryReport) -> str:
    """A permanent failure: the message bounced, and its address gets no more marketing."""
    if not report.permanent:
        return Action.DELAY
    message = reported_message(report.header_id)
    if message is None:
        return Action.UNMATCHED
    if message.status != Status.BOUNCED:
        message.status = Status.BOUNCED
        message.last_error = "a delivery report said the address refuses mail"
        message.finished_at = message.finished_at or timezone.now()
        message.save(update_fields=["status", "last_error", "finished_at"])
    suppress(address_index=message.to_index, reason=SuppressionReason.BOUNCE)
    return Action.BOUNCE


def address_index(address: str) -> str | None:
    """The blind index of ``address`` in the outbox's scope (that of the suppressions)."""
    field = Message._meta.get_field("to_index")
    assert isinstance(field, BlindIndexField)
    return field.index(address)


def complained_about(
    message: Message | None, recipients: Iterable[str]
) -> tuple[set[str], set[uuid.UUID]]:
    """The addresses (blind indexes) and subjects an abuse report is about."""
    indexes = {address_index(r) for r in recipients}
    subject_ids = {s for r in recipients for s in subjects_with_email(r)}
    if message is not None:
        indexes.add(message.to_index)
        subject_ids.add(message.subject_id)
    return {i for i in indexes if i}, subject_ids


def record_complaint(report: FeedbackReport) -> str:
    """An abuse report: no more marketing to the address, and marketing consent withdrawn."""
    if report.feedback_type != "abuse":
        return Action.IGNORED
    message = reported_message(report.header_id)
    indexes, subject_ids = complained_about(message, report.recipients)
    if not indexes and not subject_ids:
        return Action.UNMATCHED
    for index in sorted(indexes):
        suppress(address_index=index, reason=SuppressionReason.COMPLAINT)
    for subject in Subject.objects.filter(pk__in=subject_ids, erased_at__isnull=True):
        withdraw(subject=subject, purposes=[Purpose.MARKETING], reference=COMPLAINT_REFERENCE)
    return Action.COMPLAINT
