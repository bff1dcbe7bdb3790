"""``clientvault privacy check`` and ``clientvault privacy inventory --format json|md``."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clientvault.privacy.check import problems, summarise
from clientvault.privacy.record import build_record, render_markdown

FORMATS = ("json", "md")


class Command(BaseCommand):
    help = "Check the inventory of personal data, or print the record of processing."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="{check,inventory}")
        verbs.add_parser(
            "check", help="exit 1 naming every undeclared or contradictory field, 0 otherwise"
        )
        inventory = verbs.add_parser(
            "inventory", help="print the record of processing (GDPR Art. 30)"
        )
        inventory.add_argument(
            "--format", choices=FORMATS, default="md", help="json or md (Markdown, the default)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "check":
            self._check()
        else:
            self._inventory(options["format"])

    def _check(self) -> None:
        found = problems()
        for problem in found:
            self.stderr.write(problem)
        if found:
            raise CommandError(f"privacy check failed: {len(found)} problem(s) listed above")
        self.stdout.write(str(summarise()))

    def _inventory(self, format: str) -> None:
        record = build_record()
        if format == "json":
            self.stdout.write(json.dumps(record, sort_keys=True, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(render_markdown(record), ending="")
