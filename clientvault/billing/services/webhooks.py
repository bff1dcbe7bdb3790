"""Gateway webhooks: verified, stored once under the event's id, then matched to a payment.

A forged event (bad signature) is refused before anything is written; a replayed one finds its
``WebhookEvent`` row (unique per gateway and event id) and changes nothing. A charge event
settles the attempt it names (by the charge reference, or by the idempotency key the gateway
echoes, for an attempt whose own call timed out before it learnt the reference) if it is still
pending. An event matching no attempt is kept as ``unmatched``; the hourly resume sends every
pending attempt again with its own key, and the gateway answers with that same charge.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.db.models import Q

from clientvault.billing.gateways.base import GatewayEvent
from clientvault.billing.gateways.registry import gateway_named
from clientvault.billing.models import Payment, PaymentStatus, WebhookEvent
from clientvault.billing.services.charging import CHARGING, DECLINE_MESSAGES
from clientvault.billing.services.payments import settle_payment

SETTLING = ("charge.succeeded", "charge.failed")


def receive_webhook(*, gateway: str, body: bytes, headers: Mapping[str, str]) -> str:
    """Handle one webhook; its outcome as a short code. Raises ``WebhookRejected`` if forged."""
    event = gateway_named(gateway).parse_webhook(body=body, headers=headers)
    try:
        with transaction.atomic():
            row = WebhookEvent.objects.create(gateway=gateway, event_id=event.id, kind=event.kind)
            row.outcome = _apply(event)
            row.save(update_fields=["outcome"])
    except IntegrityError:
        return "duplicate"
    return row.outcome


def _apply(event: GatewayEvent) -> str:
    if event.kind not in SETTLING:
        return "ignored"
    match = Q(reference=event.reference) if event.reference else Q(pk__in=[])
    if event.idempotency_key:
        match |= Q(idempotency_key=event.idempotency_key)
    payment = Payment.objects.select_for_update().filter(match).first()
    if payment is None:
        return "unmatched"
    if payment.status != PaymentStatus.PENDING:
        return "already_settled"
    succeeded = event.kind == "charge.succeeded"
    settle_payment(
        payment=payment,
        succeeded=succeeded,
        reference=event.reference,
        failure_code="" if succeeded else event.failure_code,
        failure_message="" if succeeded else DECLINE_MESSAGES.get(event.failure_code, ""),
        actor=CHARGING,
    )
    return "settled"
