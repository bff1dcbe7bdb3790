"""``clientvault testpanel serve``: run the local test control panel beside the site.

The panel itself (:mod:`clientvault.testpanel`) knows nothing of Django; this command only hands
it the settings: its API key (``TEST_PANEL_KEY``), its address (``TEST_PANEL_URL``, by default
``http://127.0.0.1:8050``) and where to keep its state (``TEST_PANEL_STATE``,
``var/testpanel.sqlite3``, the file the demo adds its hosting accounts to). ``make run`` starts it
with the worker and the test gateway.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from clientvault.testpanel.server import Config, serve


class Command(BaseCommand):
    help = "Run the local test control panel (the JSON API the hosting services are made on)."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="{serve}")
        run = verbs.add_parser("serve", help="serve the test control panel until stopped")
        run.add_argument("--host", default="", help="address (default: TEST_PANEL_URL's)")
        run.add_argument("--port", type=int, default=0, help="port (default: TEST_PANEL_URL's)")
        run.add_argument(
            "--state",
            type=Path,
            default=None,
            help="state file (default: TEST_PANEL_STATE, var/testpanel.sqlite3)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        configured = urllib.parse.urlsplit(settings.TEST_PANEL_URL)
        host = options["host"] or configured.hostname or "127.0.0.1"
        port = options["port"] or configured.port or 8050
        state = options["state"] or settings.TEST_PANEL_STATE
        config = Config(key=settings.TEST_PANEL_KEY)
        serve(config, host=host, port=port, state=state, announce=self._announce)

    def _announce(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
