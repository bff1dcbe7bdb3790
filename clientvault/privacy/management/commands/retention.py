"""``clientvault retention sweep [--dry-run]``: expire what the retention rules say is due."""

from __future__ import annotations

import io
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from clientvault.privacy.actors import SystemActor
from clientvault.privacy.services.retention import (
    RetentionError,
    SweepAction,
    SweepLine,
    sweep_retention,
    totals,
)
from clientvault.privacy.taxonomy import CATEGORIES, category_label

PAST = {"delete": "deleted", "aggregate": "aggregated", "clear": "cleared", "skip": "skipped"}
FUTURE = {"delete": "would delete", "aggregate": "would aggregate", "clear": "would clear"}


def _category(key: str) -> str:
    return f"{category_label(key)} ({key})" if key in CATEGORIES else "(no personal data)"


def _rule(line: SweepLine) -> str:
    return f"{line.period} ({line.days} days)" if line.period else ""


def _action(line: SweepLine, dry_run: bool) -> str:
    words = FUTURE if dry_run else PAST
    what = f"field {line.field}" if line.field else "rows"
    return f"{words.get(line.action, PAST[line.action])} {what}"


def _row(line: SweepLine, *, first: bool, dry_run: bool) -> list[str]:
    return [
        _category(line.category) if first else "",
        line.model,
        _action(line, dry_run),
        "" if line.action == SweepAction.SKIP else str(line.count),
        _rule(line),
        f"{line.cutoff:%Y-%m-%d %H:%M}" if line.cutoff else "",
        line.note,
    ]


def render(lines: list[SweepLine], *, dry_run: bool) -> str:
    """The sweep as a table, grouped by data category: one row per model and action."""
    title = "Retention sweep (dry run: nothing changed)" if dry_run else "Retention sweep"
    table = Table(title=title, title_justify="left")
    for column in ("Data category", "Model", "Action", "Count", "Rule", "Older than", "Note"):
        table.add_column(column, justify="right" if column == "Count" else "left")
    for index, line in enumerate(lines):
        first = index == 0 or lines[index - 1].category != line.category
        last = index == len(lines) - 1 or lines[index + 1].category != line.category
        table.add_row(*_row(line, first=first, dry_run=dry_run), end_section=last)
    if not any(line.note for line in lines):
        table.columns.pop()
    buffer = io.StringIO()
    Console(file=buffer, width=160, force_terminal=False, color_system=None).print(table)
    return buffer.getvalue()


def summary(lines: list[SweepLine], *, dry_run: bool) -> str:
    c = totals(lines)
    if dry_run:
        return (
            f"Would delete {c['deleted']} rows, aggregate {c['aggregated']} and clear "
            f"{c['cleared']} values in {c['models']} models. Nothing was changed."
        )
    return (
        f"Deleted {c['deleted']} rows, aggregated {c['aggregated']} and cleared "
        f"{c['cleared']} values in {c['models']} models."
    )


class Command(BaseCommand):
    help = "Apply the retention rules of the inventory and the policy profile."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="{sweep}")
        sweep = verbs.add_parser("sweep", help="delete, aggregate and clear what is due")
        sweep.add_argument(
            "--dry-run", action="store_true", help="list what is due and change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = bool(options["dry_run"])
        try:
            lines = sweep_retention(
                dry_run=dry_run, now=timezone.now(), actor=SystemActor("retention")
            )
        except RetentionError as error:
            raise CommandError(f"retention sweep: {error}") from None
        if not lines:
            self.stdout.write("No retention rules are declared: nothing to sweep.")
            return
        self.stdout.write(render(lines, dry_run=dry_run), ending="")
        self.stdout.write(summary(lines, dry_run=dry_run))
