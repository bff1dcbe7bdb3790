"""``clientvault testregistrar serve``: run the offline test registrar beside the site.

The registrar itself (:mod:`clientvault.testregistrar`) knows nothing of Django; this command only
hands it the settings: its API key (``TEST_REGISTRAR_KEY``), where it listens
(``TEST_REGISTRAR_URL``, by default http://127.0.0.1:8060) and where it keeps its state
(``TEST_REGISTRAR_STATE``, ``var/testregistrar.sqlite3``). ``make run`` starts it with the
worker, the test gateway and the test panel.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from clientvault.testregistrar.server import Config, serve


class Command(BaseCommand):
    help = "Run the offline test registrar (its API and its registry's public RDAP)."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="{serve}")
        run = verbs.add_parser("serve", help="serve the test registrar until stopped")
        run.add_argument("--host", default="", help="address (default: TEST_REGISTRAR_URL's)")
        run.add_argument("--port", type=int, default=0, help="port (default: TEST_REGISTRAR_URL's)")
        run.add_argument(
            "--state",
            type=Path,
            default=None,
            help="state file (default: TEST_REGISTRAR_STATE, var/testregistrar.sqlite3)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        configured = urllib.parse.urlsplit(settings.TEST_REGISTRAR_URL)
        host = options["host"] or configured.hostname or "127.0.0.1"
        port = options["port"] or configured.port or 8060
        state = options["state"] or settings.TEST_REGISTRAR_STATE
        config = Config(key=settings.TEST_REGISTRAR_KEY)
        serve(config, host=host, port=port, state=state, announce=self._announce)

    def _announce(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
