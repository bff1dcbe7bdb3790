"""Parse, pseudonymise and aggregate one log with DuckDB: the only place an IP address is seen.

Two passes over the lines, both in DuckDB:

1. The distinct (address, user agent) pairs with their counts. In Python, each address is
   checked, looked up once (its ISP domain) and turned into a pseudonym under the day's salt;
   each agent is reduced to browser, system and device. Only that mapping table holds
   addresses, in memory, for the run.
2. Every valid line joined to its pair's pseudonym and reduced agent, without the address; from
   that table come the hourly totals, the visits (pseudonym + browser, a gap of more than the
   idle timeout starts a new one, page requests by people only) and the daily breakdowns, each
   value seen by fewer than k visitors folded into "other".

DuckDB runs in memory with spilling to disk turned off (``temp_directory`` empty), so no
intermediate result with an address in it is ever written anywhere.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from clientvault.privacy.salts import pseudonym
from clientvault.traffic import formats, resolve, timing
from clientvault.traffic.addresses import pseudonym_key, read_addresses, shape
from clientvault.traffic.agents import reduce_agent
from clientvault.traffic.models import UNKNOWN_ISP
from clientvault.traffic.sources import Source

THREADS = 2
READ_BUFFER = 4 << 20  # bytes per read buffer: as fast as the 32 MB default here, less memory
SHOWN_BAD_LINES = 5


class EngineError(Exception):
    """A log that cannot be analysed (unknown format, no site); the message names it."""


@dataclass(frozen=True)
class Options:
    salt_for: Callable[[datetime.date], bytes]  # the pseudonym salt of a (UTC) day
    site: str = ""
    log_format: str = "auto"
    lookups: bool = True
    dns_server: str = ""
    k: int = 5
    idle_seconds: int = 1800


@dataclass
class Analysis:
    """One log's figures, ready to store or to send to the centre."""

    name: str
    digest: str
    log_format: str
    lines: int = 0
    accepted: int = 0
    rejected: int = 0
    cut_short: int = 0  # accepted lines whose user agent lost its closing quote
    bad_lines: list[tuple[int, str]] = field(default_factory=list)
    cut_short_lines: list[int] = field(default_factory=list)
    lookups_skipped: int = 0
    lookups_gave_up: bool = False
    first_at: datetime.datetime | None = None
    last_at: datetime.datetime | None = None
    # (site, hour start, hits, pages, visits, robot_hits, bytes, 1xx..5xx, serve_ms buckets)
    hours: list[tuple[Any, ...]] = field(default_factory=list)
    # (site, day, dimension, value, hits, errors, visitors)
    figures: list[tuple[Any, ...]] = field(default_factory=list)
    # (site, pseudonym, browser, started_at, last_seen): visits still open at the log's end
    open_visits: list[tuple[Any, ...]] = field(default_factory=list)
    # (site, pseudonym, browser, started_at): each visitor's first visit in the log, which may
    # continue a visit left open by the log before
    first_visits: list[tuple[Any, ...]] = field(default_factory=list)


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that never spills to disk."""
    return duckdb.connect(config={"threads": THREADS, "temp_directory": ""})


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _reader(source: Source) -> str:
    return (
        f"read_csv({_quoted(source.location)}, columns={{'line': 'VARCHAR'}}, delim='\\x1e', "
        "quote='', escape='', header=false, auto_detect=false, store_rejects=true, "
        f"buffer_size={READ_BUFFER}, "
        f"compression={_quoted(source.compression)})"
    )


# A host name a log gives (virtual host, Host header) is kept only if it could be one.
_HOST_OK = "length(host) <= 253 AND NOT regexp_matches(host, '[^a-z0-9.:_-]')"


def _checked_sql(source: Source, log_format: str, site: str) -> str:
    needs_host = "" if site else f" AND host <> '' AND {_HOST_OK}"
    return f"""
        SELECT *, floor(epoch(ts))::BIGINT // 86400 AS day,
            try_cast(status_text AS SMALLINT) AS status,
            CASE WHEN size_text = '-' THEN 0 ELSE try_cast(size_text AS BIGINT) END AS bytes,
            CASE WHEN serve_text = '' THEN NULL
                 WHEN contains(serve_text, '.') THEN try_cast(serve_text AS DOUBLE) * 1000
                 ELSE try_cast(serve_text AS DOUBLE) / 1000 END AS serve_ms,
            coalesce(ts IS NOT NULL AND status BETWEEN 100 AND 599 AND bytes >= 0 AND ip <> ''
                AND raw_path <> ''{needs_host}, false) AS ok,
            {_CUT_SHORT if log_format != "nginx_json" else "false"} AS cut_short
        FROM ({formats.parsed_sql(log_format, _reader(source))})
    """


def choose_format(source: Source, requested: str) -> str:
    if requested != "auto":
        return requested
    found = formats.detect(source.sample)
    if found is None:
        raise EngineError(
            f"{source.name}: unknown log format (none of combined, common, vhost_combined or "
            "nginx_json fits its first lines); name one with --format"
        )
    return found


def analyse(
    source: Source, options: Options, *, progress: Callable[[str], None] | None = None
) -> Analysis:
    """The figures of one log. Raises EngineError (or SourceError) naming what is wrong."""
    if not any(line.strip() for line in source.sample):  # an empty log: nothing to read
        return Analysis(name=source.name, digest=source.digest, log_format=options.log_format)
    log_format = choose_format(source, options.log_format)
    if log_format in ("combined", "common") and not options.site:
        raise EngineError(f"{source.name}: a {log_format} log names no site; give --site NAME")
    result = Analysis(name=source.name, digest=source.digest, log_format=log_format)
    con = connect()
    try:
        con.execute(f"CREATE TEMP VIEW checked AS {_checked_sql(source, log_format, options.site)}")
        _pass_one(con, result, options, progress)
        _pass_two(con, result, options)
        _figures(con, result, options)
        if result.rejected or result.cut_short:
            _locate_bad_lines(con, result)
    except duckdb.Error as error:
        raise EngineError(_unreadable(source, error)) from None
    finally:
        con.close()
    return result


def _unreadable(source: Source, error: Exception) -> str:
    if source.compression == "gzip" and "end of gzip" in str(error).lower():
        return (
            f"{source.name}: the gzip data ends early (a copy still being written?); nothing "
            "of it was kept: ingest it again once it is complete"
        )
    return f"{source.name}: cannot be read as a log ({_first_line(error)})"


def _first_line(error: Exception) -> str:
    """The error's first line, without any text of the log it may quote (an address)."""
    line = str(error).strip().splitlines()[0]
    line = re.split(r"\b(?:Input|Original Line|Line)\s*:", line, maxsplit=1)[0]
    return re.sub(r"\"[^\"]*\"?|'[^']*'?", "…", line)[:200].rstrip(" .:")


# -- pass one: the distinct addresses and agents --------------------------------------------


def _pass_one(
    con: duckdb.DuckDBPyConnection,
    result: Analysis,
    options: Options,
    progress: Callable[[str], None] | None,
) -> None:
    # Only the two fields are cut here (DuckDB computes no column a query does not use).
    rows = con.execute("""
        SELECT ip, day, ua, count(*), grouping(ip) AS no_ip, grouping(ua) AS no_ua
        FROM checked GROUP BY GROUPING SETS ((ip, day), (ua), ())
    """).fetchall()
    encoding_rejects = con.execute("SELECT count(DISTINCT line) FROM reject_errors").fetchone()
    total = next(row[3] for row in rows if row[4] and row[5])
    result.lines = total + (encoding_rejects[0] if encoding_rejects else 0)
    days = [(row[0], row[1]) for row in rows if not row[4] and row[1] is not None]
    agents = [row[2] for row in rows if not row[5] and row[4]]
    if progress:
        progress(f"{result.lines:,} lines, {len({d[0] for d in days}):,} addresses")
    _map_addresses(con, result, options, days)
    _map_agents(con, agents)


# A line with an odd number of quotes lost the one closing its user agent (cut short).
_CUT_SHORT = (
    "CASE WHEN right(line, 1) = '\"' THEN false "
    "ELSE (length(line) - length(replace(line, '\"', ''))) % 2 = 1 END"
)


def _insert(
    con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, tuple[str, list[Any]]]
) -> None:
    con.execute(
        f"CREATE TEMP TABLE {table} ({', '.join(f'{n} {t}' for n, (t, _) in columns.items())})"
    )
    unnest = ", ".join(f"unnest(${i + 1})" for i in range(len(columns)))
    con.execute(f"INSERT INTO {table} SELECT {unnest}", [values for _, values in columns.values()])


def _map_addresses(
    con: duckdb.DuckDBPyConnection,
    result: Analysis,
    options: Options,
    days: list[tuple[str, int]],
) -> None:
    """Per address and day: the pseudonym under that day's salt, and the ISP domain."""
    found = read_addresses({ip for ip, _ in days})
    valid = {ip: address for ip, address in found.items() if address is not None}
    lookups = (
        resolve.look_up(set(valid.values()), server=options.dns_server) if options.lookups else None
    )
    if lookups:
        result.lookups_skipped, result.lookups_gave_up = lookups.skipped, lookups.gave_up
    domains = lookups.domains if lookups else {}
    kept = [(ip, day) for ip, day in days if ip in valid]
    salts = {day: options.salt_for(_at(day * 86400).date()) for day in {d for _, d in kept}}
    _insert(
        con,
        "addresses",
        {
            "ip": ("VARCHAR", [ip for ip, _ in kept]),
            "day": ("BIGINT", [day for _, day in kept]),
            "pid": (
                "BIGINT",
                [pseudonym(salts[day], pseudonym_key(valid[ip])) for ip, day in kept],
            ),
            "isp": ("VARCHAR", [domains.get(str(valid[ip])) or UNKNOWN_ISP for ip, _ in kept]),
        },
    )


def _map_agents(con: duckdb.DuckDBPyConnection, texts: list[str]) -> None:
    """Each user agent reduced to browser, system and device (table ``agents``)."""
    agents = [reduce_agent(text) for text in texts]
    _insert(
        con,
        "agents",
        {
            "agent": ("INTEGER", list(range(len(texts)))),
            "ua": ("VARCHAR", texts),
            "browser": ("VARCHAR", [a.browser for a in agents]),
            "browser_label": ("VARCHAR", [a.browser_label for a in agents]),
            "system": ("VARCHAR", [a.system for a in agents]),
            "device": ("VARCHAR", [a.device for a in agents]),
            "robot": ("BOOLEAN", [a.robot for a in agents]),
        },
    )


# -- pass two: the lines, without addresses ---------------------------------------------------


def _pass_two(con: duckdb.DuckDBPyConnection, result: Analysis, options: Options) -> None:
    site, asset = _quoted(options.site.lower()), _quoted(formats.ASSET)
    # No WHERE: DuckDB would push the check down and cut each field again for it; the lines
    # that fail it are kept flagged, counted, then deleted.
    con.execute(f"""
        CREATE TEMP TABLE hits AS
        SELECT coalesce(nullif({site}, ''), rtrim(c.host, '.')) AS site,
            floor(epoch(c.ts))::BIGINT AS t, k.pid, a.agent, c.status, c.bytes,
            c.serve_ms::FLOAT AS serve_ms,
            (c.method IN ('GET', 'HEAD', 'POST')
                AND (c.status BETWEEN 200 AND 299 OR c.status = 304) AND NOT a.robot
                AND CASE WHEN contains(c.raw_path, '.')
                    THEN NOT regexp_matches(c.raw_path, {asset}, 'i') ELSE true END
            ) AS page,
            CASE WHEN page OR c.status >= 400 THEN left(c.raw_path, 300) END AS path,
            c.ok, c.ok AND c.cut_short AS cut
        FROM checked c JOIN addresses k ON c.ip = k.ip AND c.day = k.day
            JOIN agents a ON c.ua = a.ua
    """)
    accepted, cut, first, last = con.execute(
        "SELECT count(*) FILTER (WHERE ok), count(*) FILTER (WHERE cut), "
        "min(t) FILTER (WHERE ok), max(t) FILTER (WHERE ok) FROM hits"
    ).fetchall()[0]
    result.accepted, result.rejected = accepted, result.lines - accepted
    result.cut_short = cut if result.log_format != "common" else 0
    result.first_at = _at(first) if first is not None else None
    result.last_at = _at(last) if last is not None else None
    con.execute("DELETE FROM hits WHERE NOT ok")
    # The only table with addresses in it goes; each pseudonym keeps its ISP domain.
    con.execute("CREATE TEMP TABLE visitors AS SELECT DISTINCT pid, isp FROM addresses")
    con.execute("DROP TABLE addresses")
    con.execute(f"""
        CREATE TEMP TABLE visits AS
        WITH pv AS (
            SELECT site, pid, browser, t, path FROM hits JOIN agents USING (agent) WHERE page),
        marked AS (
            SELECT *, CASE WHEN t - lag(t) OVER w <= {options.idle_seconds} THEN 0 ELSE 1 END
                AS fresh
            FROM pv WINDOW w AS (PARTITION BY site, pid, browser ORDER BY t, path)),
        numbered AS (
            SELECT *, sum(fresh) OVER (PARTITION BY site, pid, browser ORDER BY t, path
                ROWS UNBOUNDED PRECEDING) AS v FROM marked)
        SELECT site, pid, browser, min(t) AS started, max(t) AS last,
            arg_min(path, t) AS entry, arg_max(path, t) AS exit
        FROM numbered GROUP BY site, pid, browser, v
    """)


# -- the figures ------------------------------------------------------------------------------

_HOURS = """
    WITH h AS (
        SELECT site, t // 3600 * 3600 AS hour, count(*) AS hits,
            count(*) FILTER (WHERE page) AS pages,
            count(*) FILTER (WHERE robot) AS robot_hits, sum(bytes) AS bytes,
            count(*) FILTER (WHERE status < 200) AS s1,
            count(*) FILTER (WHERE status BETWEEN 200 AND 299) AS s2,
            count(*) FILTER (WHERE status BETWEEN 300 AND 399) AS s3,
            count(*) FILTER (WHERE status BETWEEN 400 AND 499) AS s4,
            count(*) FILTER (WHERE status >= 500) AS s5
        FROM hits JOIN agents USING (agent) GROUP BY ALL),
    v AS (SELECT site, started // 3600 * 3600 AS hour, count(*) AS visits FROM visits GROUP BY ALL),
    b AS (
        SELECT site, hour, list(n ORDER BY bucket) AS counts, list(bucket ORDER BY bucket) AS at
        FROM (SELECT site, t // 3600 * 3600 AS hour, {bucket} AS bucket, count(*) AS n
              FROM hits WHERE serve_ms IS NOT NULL GROUP BY ALL)
        GROUP BY ALL)
    SELECT h.site, h.hour, h.hits, h.pages, coalesce(v.visits, 0), h.robot_hits, h.bytes,
        h.s1, h.s2, h.s3, h.s4, h.s5, b.counts, b.at
    FROM h LEFT JOIN v USING (site, hour) LEFT JOIN b USING (site, hour)
    ORDER BY h.site, h.hour
"""

_BREAKDOWNS = """
    WITH daily AS (
        SELECT site, t // 86400 AS day, pid, agent, count(*) AS n,
            count(*) FILTER (WHERE status >= 400) AS errors
        FROM hits GROUP BY ALL),
    raw AS (
        SELECT site, t // 86400 AS day, 'path' AS dim, path AS value, count(*) AS hits,
            count(*) FILTER (WHERE status >= 400) AS errors, count(DISTINCT pid) AS visitors
        FROM hits WHERE path IS NOT NULL GROUP BY ALL
        UNION ALL
        SELECT site, started // 86400, 'entry', entry, count(*), 0, count(DISTINCT pid)
        FROM visits GROUP BY ALL
        UNION ALL
        SELECT site, last // 86400, 'exit', exit, count(*), 0, count(DISTINCT pid)
        FROM visits GROUP BY ALL
        {per_hit}
    )
    SELECT site, day, dim, CASE WHEN visitors >= {k} THEN value ELSE '' END AS folded,
        sum(hits)::BIGINT, sum(errors)::BIGINT, sum(visitors)::BIGINT
    FROM raw GROUP BY site, day, dim, folded ORDER BY site, day, dim, folded
"""
_PER_HIT = """
        UNION ALL
        SELECT site, day, '{dim}', {column}, sum(n), sum(errors), count(DISTINCT pid)
        FROM daily JOIN agents USING (agent) JOIN visitors USING (pid) GROUP BY site, day, {column}
"""
_PER_HIT_COLUMNS = {
    "browser": "browser_label",
    "system": "system",
    "device": "device",
    "isp": "isp",
}

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def _at(seconds: int) -> datetime.datetime:
    return EPOCH + datetime.timedelta(seconds=seconds)


def _histogram(counts: list[int] | None, at: list[int] | None) -> list[int]:
    histogram = [0] * timing.BUCKETS
    for bucket, n in zip(at or [], counts or [], strict=True):
        histogram[bucket] = n
    return histogram if counts else []


def _figures(con: duckdb.DuckDBPyConnection, result: Analysis, options: Options) -> None:
    hours = con.execute(_HOURS.format(bucket=timing.bucket_sql("serve_ms"))).fetchall()
    result.hours = [
        (site, _at(hour), *counts, _histogram(buckets, at))
        for site, hour, *counts, buckets, at in hours
    ]
    per_hit = "".join(_PER_HIT.format(dim=d, column=c) for d, c in _PER_HIT_COLUMNS.items())
    rows = con.execute(_BREAKDOWNS.format(per_hit=per_hit, k=int(options.k))).fetchall()
    result.figures = [(site, _at(day * 86400).date(), *rest) for site, day, *rest in rows]
    result.open_visits = [
        (site, pid, browser, _at(started), _at(last))
        for site, pid, browser, started, last in con.execute(
            "SELECT site, pid, browser, started, last FROM visits "
            f"WHERE last >= (SELECT max(t) FROM hits) - {options.idle_seconds}"
        ).fetchall()
    ]
    result.first_visits = [
        (site, pid, browser, _at(started))
        for site, pid, browser, started in con.execute(
            "SELECT site, pid, browser, min(started) FROM visits GROUP BY ALL "
            f"HAVING min(started) <= (SELECT min(t) FROM hits) + {options.idle_seconds}"
        ).fetchall()
    ]


# -- which lines were refused, or accepted cut short ---------------------------------------

_LOCATE = """
    SELECT n, ok, ip FROM (
        SELECT row_number() OVER () AS n, ok, ip,
            {cut_short} AS odd
        FROM checked)
    WHERE NOT ok OR ip IN (SELECT unnest($1)) OR (odd AND {cut})
    ORDER BY n LIMIT 200
"""


def _locate_bad_lines(con: duckdb.DuckDBPyConnection, result: Analysis) -> None:
    """Line numbers (1-based, as in the file) of the first refused and cut-short lines."""
    rejects = con.execute(
        "SELECT line, any_value(error_type) FROM reject_errors GROUP BY line ORDER BY line"
    ).fetchall()
    unreadable = [line for line, _ in rejects]
    seen = [ip for (ip,) in con.execute("SELECT DISTINCT ip FROM checked WHERE ok").fetchall()]
    bad_ips = [ip for ip, address in read_addresses(seen).items() if address is None]
    cut = "true" if result.log_format != "common" else "false"
    found: list[tuple[int, str]] = [(line, _reject_reason(kind)) for line, kind in rejects]
    query = _LOCATE.format(cut=cut, cut_short=_CUT_SHORT)
    for n, ok, ip in con.execute(query, [bad_ips]).fetchall():
        line = _file_line(n, unreadable)
        if not ok:
            found.append((line, f"not a {result.log_format} line"))
        elif ip in bad_ips:
            found.append((line, f"client address is {shape(ip)}"))
        else:
            result.cut_short_lines.append(line)
    result.bad_lines = sorted(found)[:SHOWN_BAD_LINES]
    result.cut_short_lines = result.cut_short_lines[:SHOWN_BAD_LINES]


def _reject_reason(kind: str) -> str:
    if "ENCODING" in kind.upper() or "UNICODE" in kind.upper():
        return "not valid UTF-8 text"
    return f"unreadable ({kind.lower()})"


def _file_line(n: int, unreadable: list[int]) -> int:
    """The file's line number of the n-th line DuckDB read, counting the unreadable ones."""
    line = n
    for skipped in unreadable:
        if skipped <= line:
            line += 1
    return line
