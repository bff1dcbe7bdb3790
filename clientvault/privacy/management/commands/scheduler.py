"""``clientvault scheduler``: enqueue due periodic jobs every minute, each once per period.

Several schedulers may run at once: a job is enqueued only by the one that creates its
``PeriodicRun`` row for the period. ``--once`` checks a single time and exits, for tests and for
a cron line (``* * * * * clientvault scheduler --once``).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from clientvault.privacy.tasks import enqueue_due_jobs

TICK_SECONDS = 60


def seconds_to_next_tick(now: float) -> float:
    """Sleep until the start of the next minute (at least one second)."""
    return max(1.0, TICK_SECONDS - now % TICK_SECONDS)


class Command(BaseCommand):
    help = "Enqueue due periodic jobs (the daily retention sweep) every minute."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="check once, enqueue what is due, and exit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            self._tick(once=True)
            return
        try:
            while True:
                self._tick(once=False)
                time.sleep(seconds_to_next_tick(time.time()))
                close_old_connections()  # a long-lived process: drop stale connections
        except KeyboardInterrupt:
            self.stdout.write("scheduler stopped")

    def _tick(self, *, once: bool) -> None:
        try:
            runs = enqueue_due_jobs(now=timezone.now())
        except DatabaseError as error:
            message = f"scheduler: cannot enqueue due jobs: {str(error).strip() or repr(error)}"
            if once:
                raise CommandError(message) from None
            self.stderr.write(f"{message}; trying again in a minute")
            return
        for run in runs:
            self.stdout.write(f"enqueued {run.job} for {run.period}")
        if once and not runs:
            self.stdout.write("nothing due")
