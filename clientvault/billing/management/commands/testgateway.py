"""``clientvault testgateway serve``: run the offline test payment gateway beside the site.

The gateway itself (:mod:`clientvault.testgateway`) knows nothing of Django; this command only
hands it the settings: the shared secret (``TEST_GATEWAY_SECRET``: its API key and its webhook
signing secret), the merchant's name from the policy profile, where to keep its state and where
to send its webhooks (by default the site's ``/billing/webhooks/test``, at
``CLIENTVAULT_SITE_URL``). Its state is ``TEST_GATEWAY_STATE`` (``var/testgateway.sqlite3``),
the file the demo adds its payment methods to. ``make run`` starts it with the worker and the
mail listener.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clientvault.privacy.profile import current_profile
from clientvault.testgateway.server import Config, serve

WEBHOOK_PATH = "/billing/webhooks/test"


class Command(BaseCommand):
    help = "Run the offline test payment gateway (its API, hosted card form and webhooks)."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="{serve}")
        run = verbs.add_parser("serve", help="serve the test gateway until stopped")
        run.add_argument("--host", default="", help="address (default: TEST_GATEWAY_URL's)")
        run.add_argument("--port", type=int, default=0, help="port (default: TEST_GATEWAY_URL's)")
        run.add_argument(
            "--state",
            type=Path,
            default=None,
            help="state file (default: TEST_GATEWAY_STATE, var/testgateway.sqlite3)",
        )
        run.add_argument(
            "--webhook-url",
            default=None,
            help=f"where events are posted (default: the site's {WEBHOOK_PATH}; '' for nowhere)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        configured = urllib.parse.urlsplit(settings.TEST_GATEWAY_URL)
        host = options["host"] or configured.hostname or "127.0.0.1"
        port = options["port"] or configured.port or 8040
        webhook_url = options["webhook_url"]
        if webhook_url is None:
            webhook_url = f"{settings.CLIENTVAULT_SITE_URL}{WEBHOOK_PATH}"
        if webhook_url and urllib.parse.urlsplit(webhook_url).scheme not in ("http", "https"):
            raise CommandError("--webhook-url must be an http or https address")
        config = Config(
            secret=settings.TEST_GATEWAY_SECRET,
            webhook_url=webhook_url,
            merchant=current_profile().operator_name,
        )
        state = options["state"] or settings.TEST_GATEWAY_STATE
        serve(config, host=host, port=port, state=state, announce=self._announce)

    def _announce(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
