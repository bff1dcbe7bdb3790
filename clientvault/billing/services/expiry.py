"""The "card expiring" notice (USE-6): once per method and expiry date, before it lapses.

A default method whose expiry month is this month or the next is announced to its payer, with
its client-log entry, and ``expiry_notice_sent_on`` set in the same transaction; the notice's
key names the method and its expiry, so a run repeated the same day (or a crash after the
queueing) sends it once.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q

from clientvault.accounts.models import ClientLogEvent
from clientvault.accounts.services.clientlog import log_client_event
from clientvault.billing.models import MethodStatus, PaymentMethod
from clientvault.billing.services.notices import notify_card_expiring
from clientvault.privacy.actors import SystemActor

EXPIRY = SystemActor("card_expiry")


def _months_ahead(today: datetime.date, months: int) -> tuple[int, int]:
    year, month = divmod(today.month - 1 + months, 12)
    return today.year + year, month + 1


def expiring_methods(*, today: datetime.date) -> list[PaymentMethod]:
    """Active default methods expiring this month or next, not yet announced."""
    this, following = _months_ahead(today, 0), _months_ahead(today, 1)
    months = Q(exp_year=this[0], exp_month=this[1]) | Q(
        exp_year=following[0], exp_month=following[1]
    )
    return list(
        PaymentMethod.objects.filter(months, status=MethodStatus.ACTIVE, is_default=True)
        .filter(expiry_notice_sent_on__isnull=True)
        .select_related("payer", "customer")
    )


def notify_expiring_methods(*, today: datetime.date) -> int:
    sent = 0
    for method in expiring_methods(today=today):
        with transaction.atomic():
            locked = PaymentMethod.objects.select_for_update().get(pk=method.pk)
            if locked.expiry_notice_sent_on is not None:
                continue
            notify_card_expiring(method=method)
            locked.expiry_notice_sent_on = today
            locked.save(update_fields=["expiry_notice_sent_on"])
            log_client_event(
                customer=method.customer,
                event=ClientLogEvent.PAYMENT_METHOD_EXPIRING,
                actor=EXPIRY,
                person=method.payer,
                detail=f"{method.label}, expires {method.expires}",
            )
            sent += 1
    return sent
