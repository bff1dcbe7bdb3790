"""Time to serve, kept as counts per bucket so hours and days add up exactly.

A percentile read from the buckets is the bucket's upper edge: "95% were served within 200 ms".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

# Upper edges in milliseconds; the last bucket holds everything slower than the last edge.
EDGES_MS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
BUCKETS = len(EDGES_MS) + 1


def bucket_sql(column: str) -> str:
    """A DuckDB expression: the bucket index of ``column`` (milliseconds), NULL stays NULL."""
    cases = " ".join(f"WHEN {column} <= {edge} THEN {i}" for i, edge in enumerate(EDGES_MS))
    return f"CASE WHEN {column} IS NULL THEN NULL {cases} ELSE {len(EDGES_MS)} END"


def add(histograms: Iterable[Sequence[int]]) -> list[int]:
    total = [0] * BUCKETS
    for histogram in histograms:
        for i, count in enumerate(histogram[:BUCKETS]):
            total[i] += count
    return total


def percentile(histogram: Sequence[int], share: float) -> int | None:
    """The upper edge (ms) within which ``share`` of requests were served; None if none timed.

    The slowest bucket has no upper edge: it reads as the last edge (at least that slow).
    """
    count = sum(histogram)
    if not count:
        return None
    running = 0
    for i, n in enumerate(histogram):
        running += n
        if running >= share * count:
            return EDGES_MS[min(i, len(EDGES_MS) - 1)]
    return EDGES_MS[-1]
