"""Log lines for the traffic tests, and the corpora of ../shared/corpora."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

from django.core.management import call_command

CORPORA = Path(__file__).resolve().parent / "corpora"
ELASTIC = CORPORA / "elastic-examples-apache_logs.log"
HACKERS = CORPORA / "nielsbasjes-hackers-access.log"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
START = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


def line(
    ip: str = "203.0.113.5",
    *,
    at: datetime.datetime = START,
    path: str = "/",
    status: int = 200,
    size: int = 1000,
    agent: str = CHROME,
    minutes: float = 0,
) -> str:
    when = (at + datetime.timedelta(minutes=minutes)).strftime("%d/%b/%Y:%H:%M:%S %z")
    return f'{ip} - - [{when}] "GET {path} HTTP/1.1" {status} {size} "-" "{agent}"\n'


def write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("".join(lines))
    return path


def ingest(*args: str, stdin: bytes | None = None) -> str:
    """Run ``clientvault traffic ingest`` (lookups off unless asked); its output."""
    out = io.StringIO()
    extra = [] if "--lookups" in args else ["--no-lookups"]
    arguments = [a for a in args if a != "--lookups"]
    if stdin is not None:
        import sys

        real, sys.stdin = sys.stdin, io.TextIOWrapper(io.BytesIO(stdin))
        try:
            call_command("traffic", "ingest", *arguments, *extra, stdout=out)
        finally:
            sys.stdin = real
        return out.getvalue()
    call_command("traffic", "ingest", *arguments, *extra, stdout=out)
    return out.getvalue()


def import_file(*args: str) -> str:
    out = io.StringIO()
    call_command("traffic", "import", *args, stdout=out)
    return out.getvalue()
