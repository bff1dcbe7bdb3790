"""Salts go 48 hours after their day began (hourly, audited); visit rows expire by the kernel's
retention sweep after the profile's ``visit_rows`` days."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clientvault.privacy.models import AuditEvent
from clientvault.privacy.salts import daily_salt, salt_days
from clientvault.privacy.services.retention import sweep_retention
from clientvault.traffic.models import OpenVisit
from clientvault.traffic.services.sweep import SALT_SCOPE, sweep_salts
from tests.traffic.logs import ingest, line, write

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_it_deletes_expired_salts_keeps_todays_and_audits():
    now = timezone.now()
    daily_salt(scope=SALT_SCOPE, now=now - datetime.timedelta(days=3))
    daily_salt(scope=SALT_SCOPE, now=now)
    assert sweep_salts(now=now) == 1
    assert salt_days(scope=SALT_SCOPE) == [now.astimezone(datetime.UTC).date()]
    assert sweep_salts(now=now) == 0
    events = AuditEvent.objects.filter(action="traffic.salts_deleted")
    assert [e.details for e in events] == [{"salts": 1}]


def test_visit_rows_expire_with_the_retention_sweep(tmp_path):
    now = timezone.now()
    recent = now.replace(second=0, microsecond=0) - datetime.timedelta(hours=1)
    ingest(str(write(tmp_path, "a.log", [line(at=recent)])), "--site", "s.example")
    assert OpenVisit.objects.count() == 1
    sweep_retention(dry_run=False, now=now, actor=None)
    assert OpenVisit.objects.count() == 1
    sweep_retention(dry_run=False, now=now + datetime.timedelta(days=2), actor=None)
    assert not OpenVisit.objects.exists()


def test_the_sweep_is_registered_hourly():
    from clientvault.privacy.tasks import PERIODIC_JOBS

    assert any(job.name == "traffic_hourly" and job.every == "hourly" for job in PERIODIC_JOBS)
