"""The messaging benchmark's mail server and its baseline sender; no Django.

    python -m bench.smtpsink serve --port 2525 --out received.tsv
    python -m bench.smtpsink blast --port 2525 --count 5000 --first 0 --start-at EPOCH

``serve`` runs aiosmtpd (a real SMTP server, in this process) on 127.0.0.1 and writes one line
per connection greeted (``S``, EHLO or HELO) and per message accepted (``M``, with its
Message-ID header), flushed as they come, until SIGTERM or SIGINT. ``blast`` sends ``count``
small multipart messages (a text and an HTML part, as a campaign's) with :mod:`smtplib`, one
connection per message as Django's ``EmailMessage.send()`` does, or one for all (``--reuse``);
it waits for ``--start-at`` (an epoch time) so that several senders start together, and prints
one JSON line: its first and last times and how many it sent.
"""

from __future__ import annotations

import argparse
import json
import signal
import smtplib
import threading
import time
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from pathlib import Path
from types import FrameType
from typing import IO, Any

from aiosmtpd.controller import Controller

FROM = "clientvault@localhost"
TEXT = (
    "Hello Ada,\n\nHalf price on every hosting plan this week.\n\n"
    "You get this because you agreed to news and offers. To stop them: "
    "https://127.0.0.1/unsubscribe/bench-token\n"
)


class Recorder:
    """aiosmtpd handler: appends a line per greeting and per message to a file."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.lock = threading.Lock()
        self.parser = BytesHeaderParser()

    def _write(self, line: str) -> None:
        with self.lock:
            self.out.write(line)
            self.out.flush()

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        self._write(f"S\t{time.time():.6f}\n")
        return responses

    async def handle_HELO(self, server: Any, session: Any, envelope: Any, hostname: str) -> str:
        session.host_name = hostname
        self._write(f"S\t{time.time():.6f}\n")
        return f"250 {server.hostname}"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        headers = self.parser.parsebytes(envelope.original_content or envelope.content)
        message_id = " ".join(str(headers.get("Message-ID", "")).split())
        self._write(f"M\t{time.time():.6f}\t{message_id}\n")
        return "250 Message accepted for delivery"


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def serve(port: int, out: Path) -> None:
    with out.open("a", encoding="utf-8") as stream:
        controller = Controller(Recorder(stream), hostname="127.0.0.1", port=port)
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        controller.start()
        try:
            while True:
                time.sleep(3600)
        finally:
            controller.stop()


def _message(number: int) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = "Half price, Ada"
    message["From"] = FROM
    message["To"] = f"baseline.{number}@example.net"
    message["Message-ID"] = f"<baseline-{number}@localhost>"
    message["List-Unsubscribe"] = "<https://127.0.0.1/unsubscribe/bench-token>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(TEXT)
    message.add_alternative(f"<p>{TEXT}</p>", subtype="html")
    return message


def blast(port: int, count: int, first: int, start_at: float, reuse: bool) -> dict[str, Any]:
    messages = [_message(first + index) for index in range(count)]
    time.sleep(max(0.0, start_at - time.time()))
    started = time.time()
    if reuse:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as connection:
            for message in messages:
                connection.send_message(message)
    else:
        for message in messages:
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as connection:
                connection.send_message(message)
    return {"sent": count, "started": started, "finished": time.time()}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serving = commands.add_parser("serve")
    serving.add_argument("--port", type=int, required=True)
    serving.add_argument("--out", type=Path, required=True)
    sending = commands.add_parser("blast")
    sending.add_argument("--port", type=int, required=True)
    sending.add_argument("--count", type=int, required=True)
    sending.add_argument("--first", type=int, default=0)
    sending.add_argument("--start-at", type=float, default=0.0)
    sending.add_argument("--reuse", action="store_true", help="one connection for all")
    args = parser.parse_args()
    if args.command == "serve":
        serve(args.port, args.out)
    else:
        result = blast(args.port, args.count, args.first, args.start_at, args.reuse)
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
