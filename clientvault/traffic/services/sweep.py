"""The hourly sweep: each daily pseudonym salt is deleted once its 48 hours are over.

The pseudonymous visit rows (``OpenVisit``) expire by the kernel's retention sweep
(``[retention] visit_rows``, declared in :mod:`clientvault.traffic.privacy`).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.routers import KEYSTORE_ALIAS
from clientvault.privacy.salts import drop_expired_salts
from clientvault.privacy.services.audit import record_event

SALT_SCOPE = "traffic"


def sweep_salts(*, now: datetime.datetime) -> int:
    """Delete the salts whose 48 hours are over; how many (audited when any)."""
    with transaction.atomic(using=KEYSTORE_ALIAS):
        salts = drop_expired_salts(scope=SALT_SCOPE, now=now)
    if salts:
        with transaction.atomic():
            record_event(
                action="traffic.salts_deleted",
                actor=SYSTEM,
                purpose="analytics",
                details={"salts": salts},
            )
    return salts


@task()
def traffic_hourly_job(period: str = "") -> dict[str, int]:
    """The hourly run (the scheduler enqueues it once an hour)."""
    return {"salts": sweep_salts(now=timezone.now())}
