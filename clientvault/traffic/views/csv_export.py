"""A site's dashboard as CSV: the same figures as the page, for a spreadsheet.

Three blocks, each with its own heading row, separated by a blank line: what the file is, the
totals per day (and in all), then every breakdown's rows with "Other" last. A value from a log
(a path) could start with a character a spreadsheet reads as a formula; such a cell gets a
leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from clientvault.privacy.profile import current_profile
from clientvault.traffic.queries import Dashboard, Totals
from clientvault.traffic.templatetags.traffic_display import figure_label

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DAY_HEADINGS = [
    "day",
    "visits",
    "page views",
    "requests",
    "robot requests",
    "bytes sent",
    "1xx",
    "2xx",
    "3xx",
    "4xx",
    "5xx",
    "errors (4xx and 5xx)",
    "timed requests",
    "p50 ms",
    "p95 ms",
    "p99 ms",
]


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, quoted with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _day_row(name: str, row: Totals) -> list[Any]:
    return [
        name,
        row.visits,
        row.pages,
        row.hits,
        row.robot_hits,
        row.bytes,
        row.status_1xx,
        row.status_2xx,
        row.status_3xx,
        row.status_4xx,
        row.status_5xx,
        row.errors,
        row.timed,
        *(("" if p is None else p) for p in (row.p50, row.p95, row.p99)),
    ]


def rows(board: Dashboard) -> Iterable[list[Any]]:
    k = current_profile().traffic.k_anonymity
    yield ["site", board.site]
    yield ["from", board.days.start.isoformat()]
    yield ["to", board.days.end.isoformat()]
    yield ["days", "UTC"]
    yield ["other", f"values seen by fewer than {k} visitors, and those past the top ten"]
    yield []
    yield DAY_HEADINGS
    for row in board.rows:
        yield _day_row(row.start.isoformat() if row.start else "", row)
    yield _day_row("total", board.total)
    yield []
    yield ["breakdown", "value", "requests or visits", "errors"]
    for part in board.breakdowns:
        for share in part.all_rows:
            label = figure_label(share.value, part.dimension)
            yield [part.dimension, label, share.hits, share.errors]


def dashboard_csv(board: Dashboard) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows(board):
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def filename(board: Dashboard) -> str:
    site = re.sub(r"[^a-z0-9.-]+", "_", board.site.lower()).strip("._-") or "site"
    return f"traffic-{site}-{board.days.start:%Y-%m-%d}-to-{board.days.end:%Y-%m-%d}.csv"
