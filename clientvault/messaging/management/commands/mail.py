"""``clientvault mail serve`` (the SMTP or LMTP listener) and ``clientvault mail receive``.

``serve`` listens for the opt-out and bounce addresses until stopped (SIGINT or SIGTERM).
``receive`` takes one message on standard input, as a mail server's pipe delivery gives it
(with ``--to`` for the envelope's recipients, when the mail server passes them): it prints one
line that names no one and exits 0, or prints the problem and exits 65 (EX_DATAERR, which mail
servers read as a permanent failure) for a message that cannot be taken.
"""

from __future__ import annotations

import signal
import sys
import threading
from typing import Any, BinaryIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clientvault.messaging.inbound import MailRejected, receive
from clientvault.messaging.inbound.listener import Listener

EX_DATAERR = 65  # sysexits.h: the input data was incorrect


class Command(BaseCommand):
    help = "Take mail for the opt-out and bounce addresses: listen (serve) or read one (receive)."
    stealth_options = ("stdin",)  # call_command(..., stdin=...) in place of standard input

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="{serve,receive}")
        listen = verbs.add_parser("serve", help="listen for mail by SMTP (or LMTP with --lmtp)")
        listen.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
        listen.add_argument("--port", type=int, default=8025, help="port (default 8025)")
        listen.add_argument("--lmtp", action="store_true", help="speak LMTP instead of SMTP")
        pipe = verbs.add_parser("receive", help="take one message on standard input")
        pipe.add_argument(
            "--to", action="append", default=[], help="an envelope recipient (repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "serve":
            self._serve(options["host"], options["port"], options["lmtp"])
        else:
            self._receive(options.get("stdin") or sys.stdin.buffer, options["to"])

    def _serve(self, host: str, port: int, lmtp: bool) -> None:
        stop = threading.Event()
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: stop.set())
        listener = Listener(host=host, port=port, lmtp=lmtp)
        listener.start()
        self.stdout.write(f"Mail listener (opt-out and bounces): {listener.url}")
        try:
            stop.wait()
        finally:
            listener.stop()

    def _receive(self, stdin: BinaryIO, recipients: list[str]) -> None:
        raw = stdin.read(settings.CLIENTVAULT_MAIL_MAX_BYTES + 1)
        try:
            outcome = receive(raw, envelope_to=recipients or None)
        except MailRejected as problem:
            raise CommandError(str(problem), returncode=EX_DATAERR) from None
        self.stdout.write(outcome.summary)
