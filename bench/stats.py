"""Figures from a load run's samples: percentiles per page, statuses, sign-in throughput."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

SIGN_IN_NAMES = frozenset({"sign-in form", "sign-in password", "sign-in code"})


class Sample(NamedTuple):
    name: str
    start: float  # seconds since the epoch
    ms: float
    status: int  # 0: no response
    ok: bool


def percentile(ordered: Sequence[float], q: float) -> float:
    """The nearest-rank percentile ``q`` (0-100) of an ascending sequence; 0.0 when empty."""
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def latency(values: Iterable[float]) -> dict[str, Any]:
    ordered = sorted(values)
    figures: dict[str, Any] = {"count": len(ordered)}
    for q in (50, 95, 99):
        figures[f"p{q}_ms"] = round(percentile(ordered, q), 1)
    figures["max_ms"] = round(ordered[-1], 1) if ordered else 0.0
    return figures


def status_class(status: int) -> str:
    return f"{status // 100}xx" if status else "no response"


def summary(
    samples: list[Sample],
    sign_ins: list[tuple[float, float, bool]],
    window: tuple[float, float],
) -> dict[str, Any]:
    """Pages: requests started in the browsing window; sign-in: every attempt."""
    start, end = window
    browsing = [s for s in samples if s.name not in SIGN_IN_NAMES and start <= s.start <= end]
    by_name: dict[str, list[Sample]] = defaultdict(list)
    for sample in browsing:
        by_name[sample.name].append(sample)
    pages = {
        name: latency(s.ms for s in rows) | {"failed": sum(not s.ok for s in rows)}
        for name, rows in sorted(by_name.items())
    }
    return {
        "pages": pages,
        "sign_in": _sign_in(samples, sign_ins),
        "statuses": dict(Counter(status_class(s.status) for s in samples)),
        "failed_requests": sum(not s.ok for s in samples),
        "browse_seconds": round(end - start, 1),
        "browse_requests_per_second": round(len(browsing) / (end - start), 2) if end > start else 0,
    }


def _sign_in(samples: list[Sample], sign_ins: list[tuple[float, float, bool]]) -> dict[str, Any]:
    done = [(b, e) for b, e, ok in sign_ins if ok]
    seconds = max(e for _, e, _ in sign_ins) - min(b for b, _, _ in sign_ins) if sign_ins else 0
    steps = {
        name: latency(s.ms for s in samples if s.name == name)
        for name in sorted(SIGN_IN_NAMES)
        if any(s.name == name for s in samples)
    }
    return {
        "signed_in": len(done),
        "failed": len(sign_ins) - len(done),
        "seconds": round(seconds, 2),
        "per_second": round(len(done) / seconds, 2) if seconds else 0.0,
        "session_sign_in": latency((e - b) * 1000 for b, e in done),
        "steps": steps,
    }
