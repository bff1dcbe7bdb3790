"""Billing's notices (USE-6), queued through the outbox to the account's billing contact.

A notice is queued in the caller's transaction, so it is sent only if the change it tells of is
committed, and under a key naming that change, so doing the change's work twice sends it once.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.urls import reverse

from clientvault.accounts.models import Person
from clientvault.accounts.services.clientlog import on_record
from clientvault.billing import messages
from clientvault.billing.models import PaymentMethod
from clientvault.messaging.kinds import Kind
from clientvault.messaging.services.outbox import queue_message


def area_url() -> str:
    """Where the customer sees their invoices and payments (the customer area)."""
    return settings.CLIENTVAULT_SITE_URL + reverse("accounts:dashboard")


def notify(*, contact: Person | None, kind: Kind, context: Mapping[str, str], key: str) -> bool:
    """Queue ``kind`` to the contact's address on record; False when there is none (erased)."""
    address = on_record(contact.email) if contact is not None else ""
    if contact is None or not address:
        return False
    queue_message(
        subject_id=contact.subject_id,
        to=address,
        kind=kind.key,
        context={**context, "area_url": area_url()},
        key=key,
    )
    return True


def notify_card_expiring(*, method: PaymentMethod) -> bool:
    """Tell the payer that their payment method expires soon ("card expiring" notice).

    Queued once per method and expiry date (the key), whoever calls it how often; names the
    method by brand and last four digits only. The caller (the daily job that finds expiring
    methods) sets ``expiry_notice_sent_on`` and writes the client-log entry in its transaction.
    """
    return notify(
        contact=method.payer,
        kind=messages.CARD_EXPIRING,
        context={"method": method.label, "expires": method.expires},
        key=f"billing.card_expiring.{method.pk}.{method.exp_year}-{method.exp_month}",
    )
