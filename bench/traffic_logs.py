"""The traffic benchmark's data: a week of a website's combined log, and a DNS server that names
every address in it.

``generate(path, lines=..., seed=...)`` writes the log (and ``path.gz``): visitors from
``addresses`` client addresses, ~10% IPv6, each with one user agent for the week (a realistic
mix of desktop and mobile browsers, ~2% crawlers and scripts), in visits of a few pages, each
page followed by its style sheet, scripts and images; popular and rare pages, query strings,
referers, 304s for cached assets, ~2% 404s (scanners, broken links) and a few 5xx. Lines are in
time order by the minute and shuffled within each minute, as a server with many workers writes
them. The same seed gives the same bytes.

The addresses come from ranges that belong to no one: IPv4 from 198.18.0.0/15 (RFC 2544, set
aside for benchmarks) and IPv6 from 2001:db8::/32 (RFC 3849, documentation). ``PtrZone`` answers
a PTR question for each of them (95%; the rest NXDOMAIN, as real pools have gaps) with a name
such as ``host-198-18-3-4.pool.kabelnet.example`` from 30 ISPs: the reserved ``.example`` TLD
(RFC 2606), so the registrable domain the ingest keeps is the ISP's (``kabelnet.example``), and
no name can be anyone's. ``serve_ptr(zone)`` runs it on 127.0.0.1 at a free port, in a thread.

``parquet_figures``, ``goaccess_figures`` and ``webalizer_figures`` read the totals each tool
made of a log from its output: clientvault's Parquet file (the layout of
clientvault/traffic/parquet.py), GoAccess's report.json, Webalizer's webalizer.hist.
"""

from __future__ import annotations

import datetime
import gzip
import ipaddress
import json
import random
import re
import shutil
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dnslib import PTR, QTYPE, RCODE, RR
from dnslib.server import BaseResolver, DNSLogger, DNSServer

SITE = "www.example.com"
START = datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC)  # a Monday
WEEK_S = 7 * 86400
IPV6_SHARE = 0.10
BOT_SHARE = 0.02
NAMED_SHARE = 0.95
V4_NET = ipaddress.IPv4Network("198.18.0.0/15")

ISPS = [
    "kabelnet", "fibreline", "telecable", "alpenfunk", "nordnet", "citywave", "rhein-dsl",
    "lakeside-broadband", "metrofiber", "blueskytel", "coastlink", "valleynet", "hanse-online",
    "sudwest-kabel", "parisfibre", "iberia-net", "polar-isp", "tulip-telecom", "danube-dsl",
    "baltic-link", "celtic-broadband", "atlas-mobile", "orbit-lte", "vista-5g", "meadow-wireless",
    "granite-hosting", "harbour-cloud", "summit-datacenter", "campus-net", "riverside-isp",
]  # fmt: skip

# --- user agents -----------------------------------------------------------------------------

ANDROID_MODELS = [
    "K", "SM-S918B", "SM-A546B", "SM-G991B", "SM-A155F", "Pixel 8", "Pixel 7a", "Pixel 6",
    "2201116SG", "M2101K6G", "CPH2451", "moto g54 5G", "RMX3710", "V2231", "SM-T870",
]  # fmt: skip
_CHROME = "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0"
_SAFARI = "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{v}"
_IOS = ["16_6", "17_3_1", "17_4_1", "17_5", "17_6_1", "18_0", "18_1"]


def _chrome_win(r: random.Random) -> str:
    v = r.randint(118, 126)
    return f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) {_CHROME.format(v=v)} Safari/537.36"


def _chrome_mac(r: random.Random) -> str:
    v = r.randint(118, 126)
    return f"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) {_CHROME.format(v=v)} Safari/537.36"


def _chrome_linux(r: random.Random) -> str:
    return f"Mozilla/5.0 (X11; Linux x86_64) {_CHROME.format(v=r.randint(118, 126))} Safari/537.36"


def _edge(r: random.Random) -> str:
    v = r.randint(120, 126)
    return (
        f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) {_CHROME.format(v=v)} Safari/537.36 "
        f"Edg/{v}.0.{r.randint(2000, 2600)}.{r.randint(10, 99)}"
    )


def _firefox(r: random.Random) -> str:
    v = r.randint(115, 128)
    system = r.choice(
        ["Windows NT 10.0; Win64; x64", "X11; Linux x86_64", "X11; Ubuntu; Linux x86_64",
         "Macintosh; Intel Mac OS X 10.15"]
    )  # fmt: skip
    return f"Mozilla/5.0 ({system}; rv:{v}.0) Gecko/20100101 Firefox/{v}.0"


def _safari_mac(r: random.Random) -> str:
    v = r.choice(["16.6", "17.3.1", "17.4.1", "17.5", "17.6", "18.0", "18.1"])
    return f"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) {_SAFARI.format(v=v)} Safari/605.1.15"


def _chrome_android(r: random.Random) -> str:
    model, v = r.choice(ANDROID_MODELS), r.randint(118, 126)
    android = r.choice(["10", "12", "13", "14"])
    if model == "SM-T870":
        return (
            f"Mozilla/5.0 (Linux; Android {android}; {model}) {_CHROME.format(v=v)} Safari/537.36"
        )
    return (
        f"Mozilla/5.0 (Linux; Android {android}; {model}) {_CHROME.format(v=v)} "
        "Mobile Safari/537.36"
    )


def _samsung(r: random.Random) -> str:
    return (
        f"Mozilla/5.0 (Linux; Android 14; {r.choice(ANDROID_MODELS[1:5])}) AppleWebKit/537.36 "
        f"(KHTML, like Gecko) SamsungBrowser/{r.randint(22, 25)}.0 Chrome/117.0.0.0 "
        "Mobile Safari/537.36"
    )


def _iphone(r: random.Random) -> str:
    ios = r.choice(_IOS)
    return (
        f"Mozilla/5.0 (iPhone; CPU iPhone OS {ios} like Mac OS X) "
        f"{_SAFARI.format(v=ios.replace('_', '.'))} Mobile/15E148 Safari/604.1"
    )


def _ipad(r: random.Random) -> str:
    ios = r.choice(_IOS)
    return (
        f"Mozilla/5.0 (iPad; CPU OS {ios} like Mac OS X) "
        f"{_SAFARI.format(v=ios.replace('_', '.'))} Mobile/15E148 Safari/604.1"
    )


def _chrome_ios(r: random.Random) -> str:
    return (
        f"Mozilla/5.0 (iPhone; CPU iPhone OS {r.choice(_IOS)} like Mac OS X) "
        f"AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/{r.randint(118, 126)}.0.6422.80 "
        "Mobile/15E148 Safari/604.1"
    )


def _firefox_android(r: random.Random) -> str:
    v = r.randint(120, 128)
    return f"Mozilla/5.0 (Android 14; Mobile; rv:{v}.0) Gecko/{v}.0 Firefox/{v}.0"


PEOPLE: list[tuple[Callable[[random.Random], str], int]] = [
    (_chrome_win, 26), (_chrome_android, 20), (_iphone, 17), (_chrome_mac, 6), (_safari_mac, 5),
    (_edge, 6), (_firefox, 6), (_samsung, 4), (_chrome_linux, 2), (_ipad, 3), (_chrome_ios, 3),
    (_firefox_android, 2),
]  # fmt: skip
ROBOTS = [
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", 30),
    ("Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like "
     "Gecko) Chrome/124.0.6367.201 Mobile Safari/537.36 (compatible; Googlebot/2.1; "
     "+http://www.google.com/bot.html)", 20),
    ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", 20),
    ("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", 10),
    ("Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", 6),
    ("Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)", 6),
    ("Mozilla/5.0 (compatible; DuckDuckBot-Https/1.1; https://duckduckgo.com/duckduckbot)", 4),
    ("curl/8.5.0", 2),
    ("python-requests/2.31.0", 2),
]  # fmt: skip


def _agent(r: random.Random, robot: bool) -> str:
    if robot:
        return r.choices([a for a, _ in ROBOTS], [w for _, w in ROBOTS])[0]
    make = r.choices([f for f, _ in PEOPLE], [w for _, w in PEOPLE])[0]
    return make(r)


# --- the site ----------------------------------------------------------------------------------

WORDS = [
    "cloud", "fast", "secure", "vps", "mail", "backup", "domain", "shared", "dedicated", "ssl",
    "migrate", "wordpress", "node", "python", "php", "database", "dns", "cdn", "storage", "team",
    "pricing", "green", "private", "gdpr", "server", "uptime",
]  # fmt: skip


def _slug(r: random.Random, words: int) -> str:
    return "-".join(r.sample(WORDS, words))


@dataclass
class Site:
    """Pages by popularity, each with its assets and a stable size."""

    pages: list[str] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)
    assets: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _site(r: random.Random) -> Site:
    site = Site()
    fixed = ["/", "/pricing", "/hosting/shared", "/hosting/vps", "/hosting/dedicated",
             "/domains", "/about", "/contact", "/status", "/login", "/account", "/cart",
             "/legal/privacy", "/legal/terms", "/support"]  # fmt: skip
    blog = [
        f"/blog/{y}/{m:02d}/{_slug(r, 3)}" for y in (2023, 2024, 2025, 2026) for m in range(1, 13)
    ]
    blog += [f"/blog/2025/{r.randint(1, 12):02d}/{_slug(r, 4)}" for _ in range(250)]
    docs = [f"/docs/{r.choice(WORDS)}/{_slug(r, 2)}" for _ in range(500)]
    products = [f"/products/{_slug(r, 2)}.html" for _ in range(150)]
    site.pages = list(dict.fromkeys(fixed + blog + docs + products))
    # Zipf-like: the home page and a few others take most views, a long tail the rest.
    site.weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(site.pages))]
    for page in site.pages:
        site.sizes[page] = int(r.lognormvariate(9.6, 0.6))  # ~15 KB, 3 KB..100 KB
    hashes = [f"{r.getrandbits(32):08x}" for _ in range(4)]
    site.assets = [f"/static/css/site.{hashes[0]}.css", f"/static/js/app.{hashes[1]}.js",
                   f"/static/js/vendor.{hashes[2]}.js", f"/static/fonts/inter.{hashes[3]}.woff2",
                   "/favicon.ico"]  # fmt: skip
    site.images = [f"/static/img/{_slug(r, 2)}.{r.choice(['png', 'jpg', 'webp', 'svg'])}"
                   for _ in range(120)]  # fmt: skip
    for asset in site.assets + site.images:
        site.sizes[asset] = int(r.lognormvariate(10.3, 1.0))  # ~30 KB, 1 KB..1 MB
    site.missing = ["/wp-login.php", "/.env", "/xmlrpc.php", "/wp-admin/", "/phpmyadmin/",
                    "/old/index.html", "/docs/setup", "/blog/feed", "/.git/config",
                    "/apple-touch-icon.png", "/cgi-bin/test.cgi"]  # fmt: skip
    return site


REFERERS = ["https://www.google.com/", "https://www.bing.com/", "https://duckduckgo.com/",
            "https://news.ycombinator.com/", "https://t.co/x1Zq8", "https://www.reddit.com/",
            "https://www.ecosia.org/"]  # fmt: skip
QUERIES = ["?utm_source=newsletter&utm_medium=email", "?page=2", "?page=3", "?ref=social",
           "?lang=de", "?sort=price"]  # fmt: skip


# --- visitors and visits ---------------------------------------------------------------------


@dataclass(frozen=True)
class Visitor:
    address: str
    agent: str
    robot: bool


def _address(r: random.Random, used: set[str]) -> str:
    while True:
        if r.random() < IPV6_SHARE:
            text = str(
                ipaddress.IPv6Address(
                    (0x20010DB8 << 96) | (r.randrange(len(ISPS)) << 88) | r.getrandbits(72)
                )
            )
        else:
            text = str(V4_NET[r.randrange(1, V4_NET.num_addresses - 1)])
        if text not in used:
            used.add(text)
            return text


class Log:
    """Lines by minute, each without its time (added when written)."""

    def __init__(self, want: int) -> None:
        self.want, self.count = want, 0
        self.minutes: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        self.seen: set[str] = set()

    @property
    def full(self) -> bool:
        return self.count >= self.want

    def add(self, t: int, visitor: Visitor, request: str, status: int, size: int, ref: str) -> None:
        if self.full:
            return
        shown = str(size) if size else "-"
        tail = f'] "{request}" {status} {shown} "{ref}" "{visitor.agent}"\n'
        self.minutes[t // 60].append((t % 60, visitor.address, tail))
        self.seen.add(visitor.address)
        self.count += 1


def _page_status(r: random.Random) -> int:
    x = r.random()
    return 500 if x < 0.002 else 503 if x < 0.003 else 404 if x < 0.012 else 200


def _visit(r: random.Random, site: Site, visitor: Visitor, log: Log, t: int) -> None:
    """One visit: pages in a row, each with its assets; a robot fetches pages only."""
    base = f"https://{SITE}"
    ref = "-" if r.random() < 0.45 else r.choice(REFERERS)
    if visitor.robot:
        log.add(t, visitor, "GET /robots.txt HTTP/1.1", 200, 68, "-")
        ref = "-"
    pages = r.randint(15, 120) if visitor.robot else min(int(r.expovariate(1 / 3.5)) + 1, 40)
    first = not visitor.robot
    for _ in range(pages):
        page = r.choices(site.pages, site.weights)[0]
        path = page + (r.choice(QUERIES) if r.random() < 0.06 else "")
        if r.random() < 0.012:
            path = r.choice(site.missing)
        method = "POST" if page in ("/login", "/cart") and r.random() < 0.3 else "GET"
        status = 404 if path in site.missing else _page_status(r)
        size = site.sizes.get(page, 0) + r.randint(-400, 400) if status == 200 else 250
        if method == "POST" and status == 200:
            status, size = 302, 0
        log.add(t, visitor, f"{method} {path} HTTP/{r.choice(('1.1', '2.0'))}", status, size, ref)
        if status == 200 and method == "GET" and not visitor.robot:
            _assets(r, site, visitor, log, t, base + page, first)
            first = False
        ref = base + page
        t += r.randint(2, 30) if visitor.robot else int(r.expovariate(1 / 45)) + 3


def _assets(
    r: random.Random, site: Site, visitor: Visitor, log: Log, t: int, ref: str, first: bool
) -> None:
    wanted = site.assets if first else site.assets[:2]
    wanted = wanted + r.sample(site.images, r.randint(0, 4))
    for asset in wanted:
        cached = not first and r.random() < 0.5
        status, size = (304, 0) if cached else (200, site.sizes[asset])
        log.add(t + r.randint(0, 2), visitor, f"GET {asset} HTTP/2.0", status, size, ref)


DAY_SHAPE = [1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 7, 8, 8, 8, 7, 7, 7, 8, 8, 6, 4, 2]


def _start(r: random.Random) -> int:
    hour = r.choices(range(24), DAY_SHAPE)[0]
    return r.randrange(7) * 86400 + hour * 3600 + r.randrange(3600)


@dataclass
class Generated:
    lines: int
    addresses: int  # distinct client addresses in the log
    ipv6: int
    agents: int  # distinct user agents in the log
    visitors: list[Visitor]


def generate(path: Path, *, lines: int, addresses: int, seed: int) -> Generated:
    """Write the log to ``path`` and its gzipped copy to ``path`` + ``.gz``."""
    r = random.Random(seed)
    site, used = _site(r), set[str]()
    visitors = []
    for _ in range(addresses):
        robot = r.random() < BOT_SHARE
        visitors.append(Visitor(_address(r, used), _agent(r, robot), robot))
    # Heavy-tailed activity: a few visitors come back often, most once or twice.
    weights = [r.paretovariate(1.2) * (4 if v.robot else 1) for v in visitors]
    log = Log(lines)
    for visitor in visitors:  # every visitor comes at least once
        _visit(r, site, visitor, log, _start(r))
    while not log.full:
        _visit(r, site, r.choices(visitors, weights)[0], log, _start(r))
    _write(path, log, r)
    _gzip(path)
    agents = {v.agent for v in visitors if v.address in log.seen}
    ipv6 = sum(":" in a for a in log.seen)
    return Generated(log.count, len(log.seen), ipv6, len(agents), visitors)


def _write(path: Path, log: Log, r: random.Random) -> None:
    with path.open("w", encoding="utf-8") as out:
        for minute in sorted(log.minutes):
            rows = log.minutes[minute]
            r.shuffle(rows)
            stamp = (START + datetime.timedelta(minutes=minute)).strftime("%d/%b/%Y:%H:%M")
            out.writelines(f"{ip} - - [{stamp}:{s:02d} +0000{tail}" for s, ip, tail in rows)


def _gzip(path: Path) -> None:
    with path.open("rb") as plain, gzip.open(f"{path}.gz", "wb", compresslevel=6) as packed:
        shutil.copyfileobj(plain, packed, 1 << 20)


# --- reverse lookups ---------------------------------------------------------------------------


def ptr_name(address: str) -> str | None:
    """The PTR name of a generated address, None for the ~5% without one."""
    parsed = ipaddress.ip_address(address)
    key = int(parsed)
    if (key * 2654435761) % 1000 >= NAMED_SHARE * 1000:
        return None
    if parsed.version == 4:
        isp = ISPS[(key >> 8) % len(ISPS)]  # each /24 belongs to one ISP
        return f"host-{address.replace('.', '-')}.pool.{isp}.example"
    isp = ISPS[(key >> 88) & 0xFF]
    return f"ip6-{parsed.exploded.replace(':', '')[8:20]}.dyn.{isp}.example"


@dataclass
class PtrZone(BaseResolver):  # type: ignore[misc]
    """PTR answers for the generated addresses; NXDOMAIN for everything else."""

    records: dict[str, str] = field(default_factory=dict)
    asked: int = 0

    def add(self, addresses: list[str]) -> None:
        for address in addresses:
            name = ptr_name(address)
            if name:
                self.records[ipaddress.ip_address(address).reverse_pointer] = name

    def resolve(self, request: Any, handler: Any) -> Any:
        reply = request.reply()
        qname = str(request.q.qname).rstrip(".").lower()
        self.asked += 1
        if request.q.qtype == QTYPE.PTR and qname in self.records:
            reply.add_answer(RR(request.q.qname, QTYPE.PTR, rdata=PTR(self.records[qname]), ttl=60))
        else:
            reply.header.rcode = RCODE.NXDOMAIN
        return reply


def serve_ptr(zone: PtrZone) -> tuple[DNSServer, str]:
    """The zone served on UDP 127.0.0.1 at a free port, in a thread: (server, "ADDRESS:PORT")."""
    quiet = DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data", prefix=False)
    server = DNSServer(zone, port=0, address="127.0.0.1", logger=quiet)
    server.start_thread()
    return server, f"127.0.0.1:{server.server.server_address[1]}"


# --- reading what each tool found --------------------------------------------------------------


def parquet_figures(path: Path) -> dict[str, int]:
    """Totals from clientvault's Parquet file (clientvault/traffic/parquet.py's layout)."""
    import duckdb

    file = str(path).replace("'", "''")
    con = duckdb.connect()
    try:
        totals = con.execute(
            "SELECT sum(counts[1]), sum(counts[2]), sum(counts[3]), sum(counts[4]), "
            f"sum(counts[5]) FROM read_parquet('{file}') WHERE kind = 'hour'"
        ).fetchone()
        isps = con.execute(
            f"SELECT count(DISTINCT value) FROM read_parquet('{file}') "
            "WHERE kind = 'figure' AND dimension = 'isp' AND value NOT IN ('', '-')"
        ).fetchone()
    finally:
        con.close()
    hits, pages, visits, robots, size = (int(x or 0) for x in (totals or (0,) * 5))
    return {
        "requests": hits,
        "bytes": size,
        "pages": pages,
        "visits": visits,
        "robot_hits": robots,
        "isp_domains_shown": int(isps[0]) if isps else 0,
    }


def lookups_skipped(run: Path) -> int:
    found = re.search(r"lookups skipped.*?([\d,]+) addresses", (run / "stdout").read_text())
    return int(found.group(1).replace(",", "")) if found else 0


def goaccess_figures(run: Path) -> dict[str, int]:
    general = json.loads((run / "report.json").read_text())["general"]
    return {
        "requests": int(general["total_requests"]),
        "bytes": int(general["bandwidth"]),
        "unique_visitors": int(general["unique_visitors"]),
    }


def webalizer_figures(run: Path) -> dict[str, int]:
    """Totals from webalizer.hist: month year hits files sites kbytes ... pages visits."""
    totals = [0] * 10
    for line in (run / "out" / "webalizer.hist").read_text().splitlines():
        if line and not line.startswith("#"):
            totals = [a + int(b) for a, b in zip(totals, line.split()[2:], strict=True)]
    return {"requests": totals[0], "kbytes": totals[3], "sites": totals[2], "visits": totals[7]}
