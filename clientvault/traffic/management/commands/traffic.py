"""``clientvault traffic ingest PATH... [--site NAME] [--format F] [--force] [--no-lookups]
[--output FILE.parquet]`` and ``clientvault traffic import FILE.parquet...``.

``ingest`` reads plain, .gz and .bz2 logs, or standard input (``-``), and stores their
pseudonymous figures; with ``--output`` it stores nothing and writes the figures to a Parquet
file for the centre instead (run it on each web server: addresses never leave it). ``import``
stores such a file's figures; importing the same file twice changes nothing. Each log gets a
line of counts, its first refused lines by number, and a note when lookups were skipped; a bad
log never stops the others. Exit 1 when a log could not be read, 2 on bad options.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from clientvault.privacy.actors import SystemActor
from clientvault.traffic.models import LogFormat
from clientvault.traffic.services.ingest import (
    Outcome,
    Request,
    RequestError,
    Run,
    analyse_logs,
    import_figures,
    ingest_logs,
    write_figures,
)

OPERATOR = SystemActor("operator")
FORMATS = ["auto", *LogFormat.values]


def describe(outcome: Outcome) -> list[str]:
    """The lines reporting one log."""
    if outcome.error:
        return [f"{outcome.name}: refused: {outcome.error.removeprefix(outcome.name + ': ')}"]
    if outcome.skipped:
        return [f"{outcome.name}: skipped: {outcome.skipped}"]
    a = outcome.analysis
    assert a is not None
    lines = [
        f"{a.name}: {a.lines:,} lines ({a.log_format}): {a.accepted:,} accepted, "
        f"{a.rejected:,} refused"
    ]
    if a.bad_lines:
        shown = ", ".join(f"line {n} ({why})" for n, why in a.bad_lines)
        lines.append(f"  refused: {shown}{' …' if a.rejected > len(a.bad_lines) else ''}")
    if a.cut_short:
        where = ", ".join(str(n) for n in a.cut_short_lines)
        lines.append(
            f"  accepted {a.cut_short:,} line(s) whose user agent is cut short "
            f"(no closing quote): line {where}"
        )
    if a.lookups_gave_up:
        lines.append(
            "  reverse lookups stopped: the DNS server did not answer "
            f"({a.lookups_skipped:,} addresses skipped)"
        )
    elif a.lookups_skipped:
        lines.append(f"  reverse lookups skipped for {a.lookups_skipped:,} addresses (timed out)")
    sites = sorted({site for site, *_ in a.hours})
    if outcome.batch is not None:
        lines.append(f"  stored as batch {outcome.batch.pk} for {', '.join(sites) or 'no site'}")
    return lines


class Command(BaseCommand):
    help = "Ingest web logs without keeping any IP address, or import a web server's figures."
    # The whole project's checks cost a second on every run of a command that is run per log
    # file on every web server; `clientvault check` (and every other command) still runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser("ingest", help="Analyse logs and store (or --output) the figures")
        ingest.add_argument("paths", nargs="+", metavar="PATH", help="Log files; - for stdin")
        ingest.add_argument("--site", default="", help="The site the logs are for")
        ingest.add_argument("--format", dest="log_format", default="auto", choices=FORMATS)
        ingest.add_argument("--force", action="store_true", help="Replace logs ingested before")
        ingest.add_argument("--no-lookups", action="store_true", help="No reverse DNS lookups")
        ingest.add_argument("--output", default="", help="Write a Parquet file, store nothing")
        imports = sub.add_parser("import", help="Store the figures of a web server's file")
        imports.add_argument("files", nargs="+", metavar="FILE.parquet")
        imports.add_argument("--force", action="store_true", help="Replace logs stored before")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = self._ingest(options) if options["action"] == "ingest" else self._import(options)
        except RequestError as error:
            raise CommandError(str(error), returncode=2) from None
        for outcome in run.outcomes:
            for line in describe(outcome):
                self.stdout.write(line)
        if run.failed:
            raise CommandError("some logs could not be read (see above)", returncode=1)

    def _ingest(self, options: dict[str, Any]) -> Run:
        output = Path(options["output"]) if options["output"] else None
        if output is not None and not output.parent.is_dir():
            raise CommandError(f"--output: no such directory {output.parent}", returncode=2)
        request = Request(
            site=options["site"],
            log_format=options["log_format"],
            lookups=False if options["no_lookups"] else None,
            force=options["force"],
        )
        console = Console(stderr=True)
        with console.status("Reading logs…") as status:
            progress = status.update if console.is_terminal else None
            paths, stdin = options["paths"], sys.stdin.buffer
            if output is None:
                return ingest_logs(
                    paths=paths, request=request, actor=OPERATOR, stdin=stdin, progress=progress
                )
            run = analyse_logs(paths=paths, request=request, stdin=stdin, progress=progress)
        rows = write_figures(run=run, output=output)
        self.stdout.write(f"{output}: {rows:,} rows of figures, no addresses")
        return run

    def _import(self, options: dict[str, Any]) -> Run:
        run = Run()
        for name in options["files"]:
            run.outcomes += import_figures(
                path=Path(name), actor=OPERATOR, force=options["force"]
            ).outcomes
        return run
