"""Background jobs of the accounts app: sending queued e-mail and text messages.

Both jobs are idempotent: each message carries an id made when it was queued, and the job
records a :class:`~clientvault.accounts.models.Delivery` under that id in the same transaction
as the hand-over to the mail server or gateway. A job run again (a retry, a second worker, a
re-queued job) finds the delivery and sends nothing; a hand-over that fails rolls the record
back, so a later attempt sends. Return values (stored with the job) are counts, never the
address, number or text.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from clientvault.accounts.mail import deliver, message_id_of, open_message
from clientvault.accounts.models import Delivery, DeliveryKind
from clientvault.accounts.texts import RETRY_DELAYS, GatewayError, is_stale, send_text_message


def deliver_once(*, message_id: str, kind: str, send: Callable[[], None]) -> bool:
    """Send unless a delivery of ``message_id`` is recorded; whether it was sent now.

    The delivery row is written first and held (unique) while sending, so a second worker
    running the same message waits, then finds it; if sending raises, the row goes too.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                Delivery.objects.create(
                    message_id=message_id, kind=kind, delivered_at=timezone.now()
                )
        except IntegrityError:
            return False
        send()
    return True


@task()
def send_email(sealed: str) -> dict[str, int]:
    """Open and send one message queued by :func:`clientvault.accounts.mail.queue_email`."""
    message = open_message(sealed)
    sent = deliver_once(
        message_id=message_id_of(message, sealed),
        kind=DeliveryKind.EMAIL,
        send=lambda: deliver(message),
    )
    return {"sent": int(sent)}


@task()
def send_text(sealed: str, attempt: int = 1) -> dict[str, int]:
    """Open and send one text queued by :func:`clientvault.accounts.texts.queue_text`.

    A gateway error fails this job and queues the next attempt (``RETRY_DELAYS``); a text whose
    code expired meanwhile is dropped.
    """
    message = open_message(sealed)
    if is_stale(message):
        return {"sent": 0, "stale": 1}
    try:
        sent = deliver_once(
            message_id=message_id_of(message, sealed),
            kind=DeliveryKind.TEXT,
            send=lambda: send_text_message(message),
        )
    except GatewayError:
        _retry_text(sealed, attempt)
        raise
    return {"sent": int(sent)}


def _retry_text(sealed: str, attempt: int) -> None:
    if attempt > len(RETRY_DELAYS):
        return
    later = send_text.using(run_after=timezone.now() + RETRY_DELAYS[attempt - 1])
    later.enqueue(sealed=sealed, attempt=attempt + 1)
