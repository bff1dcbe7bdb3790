from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clientvault.web.demo import load_demo, login_lines, mail_lines


class Command(BaseCommand):
    help = (
        "Load the demo hosting company (idempotent), or print its logins and where mail goes "
        "with --logins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--logins", action="store_true", help="print the demo logins")
        parser.add_argument(
            "--force", action="store_true", help="load or print the demo even with DEBUG=0"
        )

    def handle(self, *args: Any, logins_only: bool = False, **options: Any) -> None:
        if options["logins"]:
            self._refuse_in_production(options, "print demo logins and second factors")
            self._print_logins()
            return
        self._refuse_in_production(options, "load demo data")
        load_demo()
        self.stdout.write("Demo data is loaded.")

    def _refuse_in_production(self, options: dict[str, Any], what: str) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(f"refusing to {what} with DEBUG=0 (use --force)")

    def _print_logins(self) -> None:
        for line in [*login_lines(), *mail_lines()]:
            self.stdout.write(line)
