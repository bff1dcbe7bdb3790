"""``clientvault outbox``: how many messages are in each state, and what is going wrong."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from clientvault.messaging.delivery import LEASE
from clientvault.messaging.models import Status
from clientvault.messaging.services.status import outbox_status


class Command(BaseCommand):
    help = "Count the outbox's messages by state; name stalled claims and failures (no addresses)."

    def handle(self, *args: Any, **options: Any) -> None:
        status = outbox_status()
        for value, label in Status.choices:
            self.stdout.write(f"{status.by_status.get(value, 0):>8}  {value:<9} {label}")
        minutes = int(LEASE.total_seconds() // 60)
        self.stdout.write(
            f"{status.stalled:>8}  stalled   claimed over {minutes} minutes ago; the hourly "
            "resume_stalled_messages job sends them again with the same Message-ID"
        )
        for state, error, count in status.problems:
            self.stdout.write(f"{count:>8}  {state:<9} {error or '(no error recorded)'}")
