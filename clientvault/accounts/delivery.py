"""Sending a queued e-mail or text message at most once.

Each message carries an id made when it was queued. The job that sends it first claims it: it
commits a :class:`~clientvault.accounts.models.Delivery` under that id with status ``sending``
(unique, so a second worker or a re-run finds the claim and sends nothing). Then it sends,
outside any transaction, so no database lock waits on the mail server or the gateway, and marks
the claim ``sent``; a send that raises marks it ``failed``, and the retry claims it again.

A claim left ``sending`` means the worker died (or lost the database) mid-send: the message may
have gone out or not, and it is **not** sent again automatically (at most once; see
docs/operations.md for finding such claims). The jobs (``mail.send_email``,
``texts.send_text``) return counts, never the address, number or text.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone

from clientvault.accounts.models.deliveries import Delivery, DeliveryStatus


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
