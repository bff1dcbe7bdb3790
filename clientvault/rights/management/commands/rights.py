"""``clientvault rights export|erase|overdue``: an operator's tools for data-subject requests.

- ``export --account NUMBER [--person ID] --format json|zip|pdf --output PATH``
- ``erase --account NUMBER [--person ID] --reason REF [--dry-run]``
- ``overdue``: requests past or near their due date; exit 1 when any is overdue (monitoring).

Export and erase take the path of an approved request (``services.operator``). Bad input gets
one line naming it, and exit 2.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path
from typing import Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from clientvault.privacy import export_formats as formats
from clientvault.privacy.services.erasure import ErasureReport
from clientvault.privacy.services.export import SubjectExport
from clientvault.rights.models import RightsRequest, Status
from clientvault.rights.queries import counts, flagged, queue
from clientvault.rights.services.operator import (
    OperatorError,
    erase_for_operator,
    export_for_operator,
    plan_for_operator,
    resolve,
)

REASON = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")
WRITERS = {"json": formats.as_json, "zip": formats.as_zip, "pdf": formats.as_pdf}


def _table(title: str, columns: list[str], rows: list[list[str]]) -> str:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    buffer = io.StringIO()
    Console(file=buffer, width=140, force_terminal=False, color_system=None).print(table)
    return buffer.getvalue()


def report_table(reports: list[ErasureReport], *, dry_run: bool) -> str:
    rows = [
        [line.label, line.where, line.outcome, line.strategy, line.why, str(line.kept_until or "")]
        for report in reports
        for line in report.lines
    ]
    title = "Erasure plan (dry run: nothing changed)" if dry_run else "Erasure"
    return _table(title, ["Data", "Where", "Outcome", "How", "Why kept", "Kept until"], rows)


class Command(BaseCommand):
    help = "Export or erase a person's data as a request would; list overdue requests."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Export a person's data to a file")
        export.add_argument("--account", required=True)
        export.add_argument("--person", default="")
        export.add_argument("--format", choices=sorted(WRITERS), required=True)
        export.add_argument("--output", required=True)
        erase = sub.add_parser("erase", help="Erase a person, or a whole account")
        erase.add_argument("--account", required=True)
        erase.add_argument("--person", default="")
        erase.add_argument("--reason", required=True, help="A reference (ticket-123)")
        erase.add_argument("--dry-run", action="store_true")
        sub.add_parser("overdue", help="Requests past or near their due date")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except OperatorError as error:
            raise CommandError(str(error), returncode=2) from None

    def _export(self, options: dict[str, Any]) -> None:
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise OperatorError(f"--output: the folder {output.parent} does not exist.")
        target = resolve(account=options["account"], person=options["person"])
        with Console(stderr=True).status("Exporting…"):
            document = export_for_operator(target=target)
        output.write_bytes(WRITERS[options["format"]](cast(SubjectExport, document)))
        self.stdout.write(f"Wrote {output} ({options['format']}).")

    def _erase(self, options: dict[str, Any]) -> None:
        if not REASON.fullmatch(options["reason"]):
            raise OperatorError(
                "--reason: a short reference such as ticket-123 (letters, digits, _ . : -)."
            )
        target = resolve(account=options["account"], person=options["person"])
        if options["dry_run"]:
            self.stdout.write(report_table(plan_for_operator(target=target), dry_run=True))
            return
        with Console(stderr=True).status("Erasing…"):
            request = erase_for_operator(target=target, reason=options["reason"])
        self._erased(request)

    def _erased(self, request: RightsRequest) -> None:
        if request.status != Status.COMPLETED:
            raise OperatorError(f"Erasure {request.reference} paused: {request.outcome}.")
        rows = [
            [
                line["label"],
                line["where"],
                line["outcome"],
                line["strategy"],
                line["why"],
                str(line.get("kept_until") or ""),
            ]
            for line in request.outcome.get("lines", [])
        ]
        self.stdout.write(
            _table(
                f"Erasure {request.reference}",
                ["Data", "Where", "Outcome", "How", "Why kept", "Kept until"],
                rows,
            )
        )

    def _overdue(self, options: dict[str, Any]) -> None:
        rows = [r for r in flagged(list(queue(show="open"))) if r.flag]
        lines = [
            [r.request.reference, r.request.get_kind_display(), str(r.request.deadline), r.flag]
            for r in rows
        ]
        figures = counts()
        self.stdout.write(
            _table(
                "Requests past or near their due date",
                ["Reference", "Request", "Due", "Flag"],
                lines,
            )
        )
        overdue, soon, open_ = figures["overdue"], figures["soon"], figures["open"]
        self.stdout.write(f"{overdue} overdue, {soon} due within a week, {open_} open.")
        if figures["overdue"]:
            sys.exit(1)
