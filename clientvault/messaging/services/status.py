"""The outbox at a glance, for operators: counts by state, stalled claims, problems by kind.

Counts and error classes only: never an address, a subject line or a text.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from clientvault.messaging.delivery import LEASE
from clientvault.messaging.models import Message, Status


@dataclass(frozen=True)
class OutboxStatus:
    by_status: dict[str, int]
    stalled: int  # claimed longer ago than the lease: the worker died mid-send
    problems: list[tuple[str, str, int]]  # (status, last error, count) of retrying/failed


def outbox_status() -> OutboxStatus:
    rows = Message.objects.values("status").annotate(n=Count("pk")).order_by("status")
    by_status = {str(row["status"]): int(row["n"]) for row in rows}
    since = timezone.now() - LEASE
    stalled = Message.objects.filter(status=Status.SENDING, claimed_at__lt=since).count()
    failing = Message.objects.filter(status__in=[Status.RETRYING, Status.FAILED])
    grouped = failing.values("status", "last_error").annotate(n=Count("pk")).order_by("-n")
    problems = [(str(r["status"]), str(r["last_error"]), int(r["n"])) for r in grouped[:20]]
    return OutboxStatus(by_status=by_status, stalled=stalled, problems=problems)
