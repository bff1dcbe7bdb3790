"""The hourly sweep: expired salts and old pseudonymous visit rows go."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.profile import current_profile
from clientvault.privacy.routers import KEYSTORE_ALIAS
from clientvault.privacy.salts import drop_expired_salts
from clientvault.privacy.services.audit import record_event
from clientvault.traffic.models import OpenVisit

SALT_SCOPE = "traffic"


def sweep_traffic(*, now: datetime.datetime) -> tuple[int, int]:
    """Delete the salts whose 48 hours are over and the visit rows past their window."""
    with transaction.atomic(using=KEYSTORE_ALIAS):
        salts = drop_expired_salts(scope=SALT_SCOPE, now=now)
    cutoff = now - datetime.timedelta(hours=current_profile().traffic.visit_rows_hours)
    with transaction.atomic():
        visits, _ = OpenVisit.objects.filter(last_seen__lt=cutoff).delete()
        if salts or visits:
            record_event(
                action="traffic.swept",
                actor=SYSTEM,
                purpose="analytics",
                details={"salts": salts, "visits": visits},
            )
    return salts, visits


@task()
def traffic_hourly_job(period: str = "") -> dict[str, int]:
    """The hourly run (the scheduler enqueues it once an hour)."""
    salts, visits = sweep_traffic(now=timezone.now())
    return {"salts": salts, "visits": visits}
