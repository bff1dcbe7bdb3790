"""Traffic figures made directly in the database, as an ingested log would leave them.

Each helper makes rows of one batch (a new one unless given): ``a_batch()``, ``an_hour(...)``
(an HourTotal), ``a_figure(...)`` (a DayFigure), ``a_day(...)`` (a day's hours and the usual
breakdowns). Status counts default to every request answered 200.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
from typing import Any

from django.utils import timezone

from clientvault.traffic import timing
from clientvault.traffic.models import Batch, DayFigure, HourTotal, LogFormat

UTC = datetime.UTC
_numbers = itertools.count(1)


def a_batch(source: str = "access.log") -> Batch:
    number = next(_numbers)
    return Batch.objects.create(
        digest=hashlib.sha256(f"batch {number} {source}".encode()).hexdigest(),
        source=source,
        log_format=LogFormat.COMBINED,
        ingested_at=timezone.now(),
    )


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=UTC)


def timed(**buckets: int) -> list[int]:
    """A time-to-serve histogram: ``timed(ms_20=5, ms_200=1)`` puts 5 requests in the bucket
    up to 20 ms and 1 in the one up to 200 ms."""
    histogram = [0] * timing.BUCKETS
    for name, count in buckets.items():
        histogram[timing.EDGES_MS.index(int(name.removeprefix("ms_")))] += count
    return histogram


def an_hour(
    site: str, hour: datetime.datetime, *, batch: Batch | None = None, **counts: Any
) -> HourTotal:
    hits = counts.pop("hits", 10)
    values: dict[str, Any] = {
        "pages": min(hits, 5),
        "visits": 2,
        "robot_hits": 0,
        "bytes": 1000 * hits,
        "status_2xx": hits - sum(counts.get(f"status_{c}xx", 0) for c in "1345"),
        "serve_ms": [],
    }
    values.update(counts)
    return HourTotal.objects.create(
        batch=batch or a_batch(), site=site, hour=hour, hits=hits, **values
    )


def a_figure(
    site: str,
    day: datetime.date,
    dimension: str,
    value: str,
    *,
    hits: int = 10,
    errors: int = 0,
    visitors: int = 5,
    batch: Batch | None = None,
) -> DayFigure:
    return DayFigure.objects.create(
        batch=batch or a_batch(),
        site=site,
        day=day,
        dimension=dimension,
        value=value,
        hits=hits,
        errors=errors,
        visitors=visitors,
    )


def a_day(site: str, day: datetime.date, *, batch: Batch | None = None, hits: int = 40) -> Batch:
    """A plausible day: two hours of requests (some errors, some timed), and a row of each
    breakdown about 6 visitors, plus a folded "other" row."""
    batch = batch or a_batch()
    an_hour(site, at(day, 9), batch=batch, hits=hits, status_4xx=2, serve_ms=timed(ms_20=hits))
    an_hour(site, at(day, 15), batch=batch, hits=hits // 2, status_5xx=1, robot_hits=3)
    rows = [
        ("path", "/", 30),
        ("path", "/missing", 3),
        ("entry", "/", 4),
        ("exit", "/contact", 4),
        ("browser", "Firefox 128", 25),
        ("system", "Linux", 25),
        ("device", "desktop", 25),
        ("isp", "example-isp.net", 20),
    ]
    for dimension, value, count in rows:
        errors = count if value == "/missing" else 0
        a_figure(site, day, dimension, value, hits=count, errors=errors, visitors=6, batch=batch)
    a_figure(site, day, "browser", "", hits=5, visitors=3, batch=batch)
    return batch
