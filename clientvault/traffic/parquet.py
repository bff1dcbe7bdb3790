"""Figures travel from a web server to the centre as one Parquet file (DuckDB writes and reads it).

``clientvault traffic ingest ... --output FILE.parquet`` on each web server analyses its logs
there, so addresses never leave the machine that saw them; ``clientvault traffic import`` at
the centre stores each log in the file as a batch. A log already stored (by its digest) is
skipped, so importing the same file twice changes nothing.

One row per item, told apart by ``kind``: ``log`` (the log's counts), ``hour``, ``figure``,
``open`` and ``first`` (pseudonymous visit rows, see :mod:`clientvault.traffic.services.store`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb

from clientvault.traffic.engine import Analysis, connect

VERSION = 1
HOUR_COUNTS = 10  # hits, pages, visits, robot hits, bytes, 1xx to 5xx
FIGURE_COUNTS = 3  # hits, errors, visitors
COLUMNS: dict[str, str] = {
    "kind": "VARCHAR",
    "digest": "VARCHAR",
    "name": "VARCHAR",
    "log_format": "VARCHAR",
    "site": "VARCHAR",
    "starts": "TIMESTAMPTZ",
    "ends": "TIMESTAMPTZ",
    "day": "DATE",
    "dimension": "VARCHAR",
    "value": "VARCHAR",
    "browser": "VARCHAR",
    "pid": "BIGINT",
    "counts": "BIGINT[]",
    "serve": "BIGINT[]",
}


class ParquetError(Exception):
    """A file that is not a clientvault traffic file; the message names it and says why."""


def _row(kind: str, a: Analysis, **values: Any) -> dict[str, Any]:
    return {"kind": kind, "digest": a.digest, "name": a.name, "log_format": a.log_format, **values}


def _rows(a: Analysis) -> Iterable[dict[str, Any]]:
    counts = [a.lines, a.accepted, a.rejected, a.lookups_skipped, VERSION]
    yield _row("log", a, starts=a.first_at, ends=a.last_at, counts=counts)
    for site, hour, *numbers, serve in a.hours:
        yield _row("hour", a, site=site, starts=hour, counts=numbers, serve=serve)
    for site, day, dimension, value, *numbers in a.figures:
        yield _row(
            "figure", a, site=site, day=day, dimension=dimension, value=value, counts=numbers
        )
    for site, pid, browser, started, last in a.open_visits:
        yield _row("open", a, site=site, pid=pid, browser=browser, starts=started, ends=last)
    for site, pid, browser, started in a.first_visits:
        yield _row("first", a, site=site, pid=pid, browser=browser, starts=started)


def write(analyses: list[Analysis], path: Path) -> int:
    """Write the analyses to ``path``; how many rows."""
    rows = [row for a in analyses for row in _rows(a)]
    con = connect()
    try:
        con.execute(f"CREATE TEMP TABLE out ({', '.join(f'{n} {t}' for n, t in COLUMNS.items())})")
        unnest = ", ".join(f"unnest(${i + 1})" for i in range(len(COLUMNS)))
        columns = [[row.get(name) for row in rows] for name in COLUMNS]
        con.execute(f"INSERT INTO out SELECT {unnest}", columns)
        con.execute(f"COPY out TO '{_escaped(path)}' (FORMAT parquet, COMPRESSION zstd)")
    finally:
        con.close()
    return len(rows)


def _escaped(path: Path) -> str:
    return str(path).replace("'", "''")


def _fetch(path: Path) -> list[tuple[Any, ...]]:
    if not path.is_file():
        raise ParquetError(f"{path}: no such file")
    con = connect()
    try:
        names = [
            row[0]
            for row in con.execute(
                f"SELECT name FROM parquet_schema('{_escaped(path)}')"
            ).fetchall()
        ]
        missing = [n for n in COLUMNS if n not in names]
        if missing:
            raise ParquetError(f"{path}: not a clientvault traffic file (no column {missing[0]!r})")
        return con.execute(
            f"SELECT {', '.join(COLUMNS)} FROM read_parquet('{_escaped(path)}')"
        ).fetchall()
    except duckdb.Error as error:
        raise ParquetError(
            f"{path}: not a readable Parquet file ({str(error).splitlines()[0][:160]})"
        ) from None
    finally:
        con.close()


def _utc(value: datetime.datetime | None) -> datetime.datetime | None:
    return value.astimezone(datetime.UTC) if value is not None else None


def read(path: Path) -> list[Analysis]:
    """The analyses in ``path``, in the order written; ParquetError if it is not such a file."""
    analyses: dict[str, Analysis] = {}
    try:
        for row in _fetch(path):
            _add(analyses, row)
    except (ValueError, TypeError, IndexError):
        raise ParquetError(f"{path}: a row is not shaped as clientvault writes them") from None
    for analysis in analyses.values():
        if analysis.log_format == _NO_LOG_ROW:
            raise ParquetError(f"{path}: {analysis.name} has figures but no log row")
    return list(analyses.values())


_NO_LOG_ROW = ""


def _add(analyses: dict[str, Analysis], row: tuple[Any, ...]) -> None:
    kind, digest, name, fmt, site, starts, ends, day, dim, value, browser, pid, counts, serve = row
    a = analyses.setdefault(digest, Analysis(name=name, digest=digest, log_format=_NO_LOG_ROW))
    starts, ends = _utc(starts), _utc(ends)
    if kind == "log":
        if counts[4] != VERSION:
            raise ParquetError(f"{name}: written in format version {counts[4]}, not {VERSION}")
        a.lines, a.accepted, a.rejected, a.lookups_skipped = counts[:4]
        a.first_at, a.last_at, a.log_format = starts, ends, fmt
    elif kind == "hour" and len(counts) == HOUR_COUNTS:
        a.hours.append((site, starts, *counts, list(serve or [])))
    elif kind == "figure" and len(counts) == FIGURE_COUNTS:
        a.figures.append((site, day, dim, value, *counts))
    elif kind == "open":
        a.open_visits.append((site, pid, browser, starts, ends))
    elif kind == "first":
        a.first_visits.append((site, pid, browser, starts))
    else:
        raise ValueError(kind)
