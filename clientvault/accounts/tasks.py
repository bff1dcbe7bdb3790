"""Background jobs of the accounts app: sending queued e-mail and text messages, and answering
password-reset requests.

Both jobs are idempotent, and hand a message over at most once. Each message carries an id made
when it was queued. The job first claims it: it commits a
:class:`~clientvault.accounts.models.Delivery` under that id with status ``sending`` (unique, so
a second worker or a re-run finds the claim and sends nothing). Then it sends, outside any
transaction, so no database lock waits on the mail server or the gateway, and marks the claim
``sent``; a send that raises marks it ``failed``, and the retry claims it again.

A claim left ``sending`` means the worker died (or lost the database) mid-send: the message may
have gone out or not, and it is **not** sent again automatically (at most once; see
docs/operations.md for finding such claims). Return values (stored with the job) are counts,
never the address, number or text.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from clientvault.accounts.mail import deliver, message_id_of, open_message
from clientvault.accounts.models import DeliveryKind
from clientvault.accounts.models.deliveries import Delivery, DeliveryStatus
from clientvault.accounts.services.reset import answer_reset_request
from clientvault.accounts.texts import RETRY_DELAYS, GatewayError, is_stale, send_text_message


def deliver_once(*, message_id: str, kind: str, send: Callable[[], None]) -> bool:
    """Claim ``message_id``, send, mark it sent; whether it was sent now.

    Run it outside a transaction (the worker does): the claim commits before ``send`` and the
    outcome after it. Nothing is sent when the message is sent already or claimed by a send
    still running, or one that died mid-send (at most once). A ``send`` that raises marks the
    claim failed, so a later run claims it again, and the exception goes on to the caller.
    """
    claim = claim_delivery(message_id=message_id, kind=kind)
    if claim is None:
        return False
    try:
        send()
    except BaseException:
        move_delivery(claim, DeliveryStatus.FAILED)
        raise
    move_delivery(claim, DeliveryStatus.SENT)
    return True


def claim_delivery(*, message_id: str, kind: str) -> Delivery | None:
    """A new claim (status sending), a failed one taken again, or None: nothing to send."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                message_id=message_id, kind=kind, claimed_at=timezone.now()
            )
    except IntegrityError:
        pass
    claim = Delivery.objects.get(message_id=message_id)
    if not claim.may_become(DeliveryStatus.SENDING):
        return None
    return claim if move_delivery(claim, DeliveryStatus.SENDING) else None


def move_delivery(claim: Delivery, to: str) -> bool:
    """Move the claim along DELIVERY_TRANSITIONS, unless another worker moved it first."""
    if not claim.may_become(to):
        raise ValueError(f"a delivery that is {claim.status} cannot become {to}")
    now = timezone.now()
    changes = {"status": to, "delivered_at": now if to == DeliveryStatus.SENT else None}
    if to == DeliveryStatus.SENDING:
        changes["claimed_at"] = now
    moved = Delivery.objects.filter(pk=claim.pk, status=claim.status).update(**changes)
    claim.status = to
    return moved == 1


@task()
def send_email(sealed: str) -> dict[str, int]:
    """Open and send one message queued by :func:`clientvault.accounts.mail.queue_email`."""
    message = open_message(sealed)
    sent = deliver_once(
        message_id=message_id_of(message),
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
            message_id=message_id_of(message),
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


@task()
def answer_password_reset_request(sealed: str) -> dict[str, int]:
    """Answer one request queued by :func:`~clientvault.accounts.services.reset.
    request_password_reset`: a link to the address on record if a usable login matches.

    The typed identifier travels sealed (like queued mail); the request's id makes the answer
    happen once however often the job runs. The result is a count, never the identifier.
    """
    request = open_message(sealed)
    identifier = request.get("identifier")
    answered = answer_reset_request(
        request_id=message_id_of(request),
        identifier=identifier if isinstance(identifier, str) else "",
    )
    return {"answered": int(answered)}
