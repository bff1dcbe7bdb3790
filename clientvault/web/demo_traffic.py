"""Demo traffic: a generated week of web logs for each demo site with a live service, ingested
through ``clientvault traffic``'s own service (addresses pseudonymised, agents reduced).

The logs are made in memory and fed in as standard input would be, so no log file with an
address in it is ever written. The addresses come from the documentation ranges (RFC 5737,
RFC 3849); a small local DNS server (dnslib, installed with the project's development
dependencies by ``make run``) names them after a few made-up ISPs, so the ISP figures have
something to show. Without dnslib the lookups are left off.
"""

from __future__ import annotations

import datetime
import io
import random
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from clientvault.hosting.models import Service, ServiceStatus, ServiceStatusChange
from clientvault.privacy.actors import SYSTEM
from clientvault.traffic.models import Batch, HourTotal
from clientvault.traffic.services.ingest import Request, ingest_logs

DAYS = 7
SERVING = (ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED)
SEED = 2026
ISPS = ("example-broadband.net", "example-fibre.co.uk", "example-mobile.de", "example-cable.fr")
AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
)
ROBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
PAGES = ("/", "/about", "/contact", "/blog", "/blog/opening-day", "/blog/new-menu", "/prices")
ASSETS = ("/static/site.css", "/static/site.js", "/img/front.jpg")


def _addresses(rng: random.Random) -> list[str]:
    v4 = [
        f"{net}.{host}" for net in ("192.0.2", "198.51.100", "203.0.113") for host in range(1, 255)
    ]
    v6 = [f"2001:db8:{rng.randrange(1, 0xFFFF):x}::{rng.randrange(1, 0xFFFF):x}" for _ in range(80)]
    return v4 + v6


def _line(
    address: str, at: datetime.datetime, path: str, status: int, agent: str, rng: random.Random
) -> str:
    when = at.strftime("%d/%b/%Y:%H:%M:%S +0000")
    size = rng.randrange(2_000, 60_000) if status == 200 else 0
    micros = int(rng.lognormvariate(10.2, 0.6))  # about 25 ms, a long tail
    return f'{address} - - [{when}] "GET {path} HTTP/1.1" {status} {size} "-" "{agent}" {micros}\n'


def _visit(address: str, agent: str, start: datetime.datetime, rng: random.Random) -> Iterator[str]:
    at = start
    for _ in range(rng.randint(1, 5)):
        page = rng.choice(PAGES)
        yield _line(address, at, page, 200, agent, rng)
        for asset in ASSETS:
            yield _line(
                address,
                at + datetime.timedelta(seconds=1),
                asset,
                rng.choice((200, 304)),
                agent,
                rng,
            )
        at += datetime.timedelta(seconds=rng.randint(20, 400))


def week_of_logs(*, site: str, end: datetime.date, seed: int = SEED) -> bytes:
    """A week of combined log lines (with time to serve in microseconds) for ``site``."""
    rng = random.Random(f"{seed}:{site}:{end.isoformat()}")  # noqa: S311  (made-up demo data, not security)
    people = [(a, rng.choice(AGENTS)) for a in rng.sample(_addresses(rng), 400)]
    lines: list[str] = []
    for day in range(DAYS):
        date = end - datetime.timedelta(days=DAYS - day)
        midnight = datetime.datetime.combine(date, datetime.time(), tzinfo=datetime.UTC)
        for address, agent in rng.sample(people, rng.randint(90, 160)):
            start = midnight + datetime.timedelta(seconds=rng.randrange(6 * 3600, 23 * 3600))
            lines.extend(_visit(address, agent, start, rng))
        for n in range(40):  # a crawler, and probes for pages that do not exist
            at = midnight + datetime.timedelta(minutes=n * 30)
            lines.append(_line("203.0.113.200", at, rng.choice(PAGES), 200, ROBOT, rng))
            lines.append(
                _line(rng.choice(people)[0], at, "/wp-login.php", 404, rng.choice(AGENTS), rng)
            )
    rng.shuffle(lines)  # logs from several workers are not in time order
    return "".join(lines).encode()


@contextmanager
def _name_server() -> Iterator[bool]:
    """A local DNS server naming the demo addresses after made-up ISPs, while it runs."""
    try:
        from dnslib import PTR, QTYPE, RR
        from dnslib.server import BaseResolver, DNSLogger, DNSServer
    except ImportError:
        yield False
        return

    class Names(BaseResolver):  # type: ignore[misc]
        def resolve(self, request, handler):  # type: ignore[no-untyped-def]
            reply = request.reply()
            name = str(request.q.qname)
            isp = ISPS[sum(name.encode()) % len(ISPS)]
            reply.add_answer(
                RR(
                    request.q.qname,
                    QTYPE.PTR,
                    rdata=PTR(f"host-{zlib.crc32(name.encode()) % 9999}.{isp}"),
                    ttl=60,
                )
            )
            return reply

    quiet = DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data", prefix=False)
    server = DNSServer(Names(), port=0, address="127.0.0.1", logger=quiet)
    server.start_thread()
    port = server.server.server_address[1]
    saved, settings.CLIENTVAULT_DNS_SERVER = settings.CLIENTVAULT_DNS_SERVER, f"127.0.0.1:{port}"
    try:
        yield True
    finally:
        settings.CLIENTVAULT_DNS_SERVER = saved
        server.stop()


def demo_sites() -> list[str]:
    """The domains of the demo's services that are set up (a pending order serves nothing)."""
    live = Service.objects.filter(status__in=SERVING).exclude(domain="")
    return sorted(set(live.values_list("domain", flat=True)))


def _back_date_services(end: datetime.date) -> None:
    """Move the demo's services, with their history, to before the generated week.

    A customer sees a domain's figures only from the day their service began (before it, the
    domain's traffic was whoever hosted it then); the demo orders its services today, after
    the week of logs, so without this no customer would see any of it.
    """
    start = datetime.datetime.combine(end - datetime.timedelta(days=DAYS + 1), datetime.time())
    earlier = timezone.make_aware(start, datetime.UTC)
    for service in Service.objects.filter(created_at__gt=earlier).exclude(domain=""):
        shift = service.created_at - earlier
        ServiceStatusChange.objects.filter(service=service).update(at=F("at") - shift)
        Service.objects.filter(pk=service.pk).update(created_at=earlier)


def load_traffic(*, today: datetime.date | None = None) -> None:
    """Ingest a week of logs ending yesterday for every demo site (a week ingested: skipped)."""
    end = today or timezone.localdate()
    _back_date_services(end)
    with _name_server() as naming:
        for site in demo_sites():
            log = io.BytesIO(week_of_logs(site=site, end=end))
            request = Request(site=site, lookups=naming)
            ingest_logs(paths=["-"], request=request, actor=SYSTEM, stdin=log)


def traffic_lines() -> list[str]:
    sites = sorted(set(HourTotal.objects.values_list("site", flat=True)))
    if not sites:
        return []
    return [
        f"Traffic: {Batch.objects.count()} logs ingested for {', '.join(sites)}; mia.marketing "
        f"reads the dashboards at {settings.CLIENTVAULT_SITE_URL}/staff/traffic/, customers their "
        f"usage at {settings.CLIENTVAULT_SITE_URL}/account/usage/",
    ]
