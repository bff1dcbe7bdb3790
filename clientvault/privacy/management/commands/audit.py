"""``clientvault audit verify`` proves the audit log untouched; ``audit tail`` shows its end.

``audit anchor`` writes the key store's checkpoint again after it was lost, only for a log that
holds with the key; it never hides a log cut short.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clientvault.privacy.actors import SystemActor
from clientvault.privacy.models import AuditEvent
from clientvault.privacy.services.audit import (
    Verification,
    latest_events,
    rebase_anchor,
    record_event,
    verify_chain,
)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"-n must be a whole number (got {text!r})") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"-n must be at least 1 (got {value})")
    return value


def describe(event: AuditEvent) -> str:
    """One line per entry: only ids and codes are ever stored, so this is safe to print."""
    parts = [
        f"#{event.seq}",
        event.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        event.actor_id or "-",
        f"({event.actor_role})" if event.actor_role else "",
        event.action,
        f"subject={event.subject_id}" if event.subject_id else "",
        f"purpose={event.purpose}" if event.purpose else "",
        f"{event.object_type}:{event.object_id}" if event.object_type else "",
        json.dumps(event.details, sort_keys=True) if event.details else "",
    ]
    return " ".join(part for part in parts if part)


def broken(result: Verification) -> str:
    if result.first_break is not None and result.first_break.seq is None:
        return f"audit log is broken: {result.first_break} ({result.checked} entries verified)"
    earlier = "entry" if result.checked == 1 else "entries"
    return (
        f"audit log is broken: {result.first_break} ({result.checked} earlier {earlier} verified)"
    )


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log, or print its latest entries."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="{verify,tail,anchor}")
        verbs.add_parser(
            "verify", help="check every entry and the checkpoint; exit 1 naming the first break"
        )
        verbs.add_parser(
            "anchor", help="write a lost or damaged checkpoint again (only for an intact chain)"
        )
        tail = verbs.add_parser("tail", help="print the latest entries, oldest first")
        tail.add_argument("-n", dest="count", type=_count, default=20, help="how many (20)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "verify":
            self._verify()
        elif options["verb"] == "anchor":
            self._anchor()
        else:
            self._tail(options["count"])

    def _verify(self) -> None:
        result = verify_chain()
        if result.first_break is not None:
            raise CommandError(broken(result))
        self.stdout.write(
            f"audit log intact: {result.checked} entries verified, "
            f"anchored in the key store up to #{result.anchored}"
        )

    def _anchor(self) -> None:
        result = verify_chain()
        problem = result.first_break
        if problem is not None and problem.seq is not None:
            raise CommandError(f"{broken(result)}; the checkpoint was left as it is")
        before = rebase_anchor()
        record_event(
            action="audit.anchored",
            actor=SystemActor("audit"),
            details={"anchor_before": before, "seq": result.checked},
        )
        self.stdout.write(f"audit log anchored in the key store at #{result.checked}")

    def _tail(self, count: int) -> None:
        events = latest_events(count=count)
        if not events:
            self.stdout.write("the audit log is empty")
        for event in events:
            self.stdout.write(describe(event))
