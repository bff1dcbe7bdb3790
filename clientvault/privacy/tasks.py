"""Background jobs (django-tasks, database backend) and the periodic jobs the scheduler enqueues.

``clientvault worker`` runs what is queued; ``clientvault scheduler`` (or a cron line running
``clientvault scheduler --once``) calls :func:`enqueue_due_jobs` every minute. Each periodic job
is enqueued at most once per period, however many schedulers run: the ``PeriodicRun`` row for
``(job, period)`` is unique, and the job is enqueued in the transaction that creates it.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

from clientvault.privacy.actors import SystemActor
from clientvault.privacy.models import PeriodicRun
from clientvault.privacy.services.retention import last_run_on, sweep_retention, totals

RETENTION = SystemActor("retention")
PERIOD_FORMATS = {"daily": "%Y-%m-%d", "hourly": "%Y-%m-%dT%H"}


@task()
def retention_sweep(period: str = "") -> dict[str, Any]:
    """The daily sweep; a second run on the same day finds the first and does nothing."""
    today = timezone.localdate()
    done = last_run_on(day=today)
    if done is not None:
        return {"period": period, "run": done.pk, "skipped": True}
    lines = sweep_retention(dry_run=False, actor=RETENTION)
    run = last_run_on(day=today)
    return {"period": period, "run": run.pk if run else None, "skipped": False, **totals(lines)}


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Task[..., Any]
    every: str  # a key of PERIOD_FORMATS

    def period(self, now: datetime.datetime) -> str:
        """The period ``now`` falls in, in the site's time zone (e.g. ``2025-03-01``)."""
        return timezone.localtime(now).strftime(PERIOD_FORMATS[self.every])


PERIODIC_JOBS: list[PeriodicJob] = [PeriodicJob("retention_sweep", retention_sweep, "daily")]


def register_periodic_job(job: PeriodicJob) -> None:
    """Add an app's periodic job (an app's ``ready``); a name registered twice is refused."""
    if any(known.name == job.name for known in PERIODIC_JOBS):
        raise ValueError(f"periodic job {job.name!r} is registered twice")
    PERIODIC_JOBS.append(job)


def _claim(job: PeriodicJob, period: str, now: datetime.datetime) -> PeriodicRun | None:
    try:
        with transaction.atomic():
            return PeriodicRun.objects.create(job=job.name, period=period, enqueued_at=now)
    except IntegrityError:
        return None  # another scheduler enqueued it for this period


def _enqueue_once(job: PeriodicJob, now: datetime.datetime) -> PeriodicRun | None:
    period = job.period(now)
    with transaction.atomic():
        run = _claim(job, period, now)
        if run is not None:
            job.task.enqueue(period=period)
    return run


def enqueue_due_jobs(
    *, now: datetime.datetime | None = None, jobs: Sequence[PeriodicJob] | None = None
) -> list[PeriodicRun]:
    """Enqueue each periodic job not yet enqueued for the current period; return the new runs."""
    now = now or timezone.now()
    chosen = PERIODIC_JOBS if jobs is None else jobs
    return [run for job in chosen if (run := _enqueue_once(job, now)) is not None]
