"""The charts of the traffic pages, drawn from their figures (clientvault.traffic.charts)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString

from clientvault.traffic import timing
from clientvault.traffic.charts import Bar, bar_chart, byte_text, count_text
from clientvault.traffic.queries import Period, Totals

STATUS_SERIES = (
    "Served (1xx, 2xx)",
    "Redirected (3xx)",
    "Client errors (4xx)",
    "Server errors (5xx)",
)


def day_bar(row: Totals, values: tuple[int, ...], period: Period = "day") -> Bar:
    day = row.start or datetime.date.min
    if period == "month":
        label = date_format(day, "M Y" if day.month == 1 else "M")
        return Bar(label, date_format(day, "F Y"), values)
    return Bar(date_format(day, "j M"), date_format(day, "j F Y"), values)


def _statuses(row: Totals) -> tuple[int, ...]:
    return (row.served, row.status_3xx, row.status_4xx, row.status_5xx)


def visits_chart(rows: Sequence[Totals], ident: str) -> SafeString:
    return bar_chart(
        ident=ident,
        title="Visits per day",
        description="Visits by people (not robots) that began on each day.",
        series=("Visits",),
        bars=[day_bar(row, (row.visits,)) for row in rows],
        empty="No visits in this period.",
    )


def requests_chart(rows: Sequence[Totals], ident: str, period: Period = "day") -> SafeString:
    each = "day" if period == "day" else "month"
    return bar_chart(
        ident=ident,
        title=f"Requests per {each}, by answer",
        description=f"Every request of each {each}, robots' too, stacked by the kind of answer.",
        series=STATUS_SERIES,
        bars=[day_bar(row, _statuses(row), period) for row in rows],
        empty="No requests in this period.",
    )


def bandwidth_chart(rows: Sequence[Totals], ident: str, period: Period = "day") -> SafeString:
    each = "day" if period == "day" else "month"
    return bar_chart(
        ident=ident,
        title=f"Data sent per {each}",
        description=f"The data the web server sent in answers each {each}.",
        series=("Data sent",),
        bars=[day_bar(row, (row.bytes,), period) for row in rows],
        formatter=byte_text,
        axis=byte_text,
        empty="No data was sent in this period.",
    )


def bucket_label(index: int) -> tuple[str, str]:
    """A timing bucket's short label and its words: ("≤ 5", "5 ms or less")."""
    edges = timing.EDGES_MS
    if index >= len(edges):
        return f"> {edges[-1] // 1000}s", f"slower than {count_text(edges[-1])} ms"
    edge = edges[index]
    short = f"≤ {edge // 1000}s" if edge >= 1000 else f"≤ {edge}"
    if index == 0:
        return short, f"{count_text(edge)} ms or less"
    return short, f"over {count_text(edges[index - 1])} ms, up to {count_text(edge)} ms"


def serve_buckets(total: Totals) -> list[tuple[str, int]]:
    """Each timing bucket with requests in it, in words, for the table under the chart."""
    return [(bucket_label(i)[1], count) for i, count in enumerate(total.serve_ms) if count]


def serve_chart(total: Totals, ident: str) -> SafeString:
    bars = []
    for index, count in enumerate(total.serve_ms):
        short, words = bucket_label(index)
        bars.append(Bar(short, words, (count,)))
    return bar_chart(
        ident=ident,
        title="Requests by time to serve",
        description="How many requests were served within each time, in milliseconds (ms).",
        series=("Requests",),
        bars=bars,
        empty="The logs of this period do not record the time to serve.",
    )
