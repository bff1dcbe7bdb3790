"""``clientvault legal transparency-report --period 2026H2 --format json|csv|html [--publish]``.

Counts the half-year's demands by type and country, their outcomes, the distinct accounts
affected, the disclosures (one per person) and the demands on which content was released, from
the registers. Without ``--publish`` it is a preview. ``--publish`` keeps the figures (frozen
from then on) and shows them on the public transparency page; only a half-year that has ended
is published. A bad or refused period gets one line naming it, and exit 2.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clientvault.legal.services.refusals import LegalRefused
from clientvault.legal.services.transparency import (
    BadPeriod,
    as_csv,
    as_html,
    as_json,
    compute_figures,
    save_report,
)
from clientvault.privacy.actors import SystemActor

WRITERS = {"json": as_json, "csv": as_csv, "html": as_html}
OPERATOR = SystemActor("operator")


class Command(BaseCommand):
    help = "The legal register's transparency report."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        report = sub.add_parser("transparency-report", help="Counts for a half-year")
        report.add_argument("--period", required=True, help="A half-year such as 2026H2")
        report.add_argument("--format", choices=sorted(WRITERS), default="json")
        report.add_argument(
            "--publish", action="store_true", help="Freeze it and show it on /transparency"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._report(options)
        except BadPeriod as error:
            raise CommandError(str(error), returncode=2) from None
        except LegalRefused as error:
            raise CommandError(" ".join(error.messages), returncode=2) from None

    def _report(self, options: dict[str, Any]) -> None:
        period = options["period"]
        if options["publish"]:
            figures = save_report(period=period, actor=OPERATOR, publish=True).figures
        else:
            figures = compute_figures(period)
        self.stdout.write(WRITERS[options["format"]](figures), ending="\n")
