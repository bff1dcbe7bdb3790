"""Records that make the retention sweep and periodic jobs run exactly once."""

from __future__ import annotations

from django.db import models


class RetentionRun(models.Model):
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    cutoff_at = models.DateTimeField()
    results = models.JSONField(default=list)

    class Meta:
        ordering = ["-started_at"]


class PeriodicRun(models.Model):
    """One due run of a periodic job; the unique key keeps two schedulers from doubling it."""

    job = models.CharField(max_length=64)
    period = models.CharField(max_length=32)
    enqueued_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="periodic_run_once")]
