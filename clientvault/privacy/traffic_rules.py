"""The policy profile's ``[traffic]`` section: web-log analytics (COL-10, COL-11, USE-3, USE-4).

Every key is optional (the pseudonymous visit rows expire by ``[retention] visit_rows``)::

    [traffic]
    k_anonymity = 5          # a figure about fewer visitors than this is folded into "other"
    visit_idle_minutes = 30  # a visit ends after this long without a page request
    reverse_lookups = true   # look up each address's name, keeping only its registrable domain
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KEYS = ("k_anonymity", "visit_idle_minutes", "reverse_lookups")
_RANGES = {"k_anonymity": (2, 100), "visit_idle_minutes": (5, 240)}


@dataclass(frozen=True)
class TrafficRules:
    k_anonymity: int = 5
    visit_idle_minutes: int = 30
    reverse_lookups: bool = True


def _problem(key: str, value: Any) -> str | None:
    if key == "reverse_lookups":
        return None if isinstance(value, bool) else "must be true or false"
    low, high = _RANGES[key]
    ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
    return None if ok else f"must be a whole number from {low} to {high}"


def parse_traffic(table: dict[str, Any]) -> tuple[TrafficRules, tuple[str, str] | None]:
    """The rules of a ``[traffic]`` table, or the first bad key and what is wrong with it."""
    for key, value in table.items():
        problem = _problem(key, value)
        if problem:
            return TrafficRules(), (key, f"{problem} (got {value!r})")
    return TrafficRules(**table), None
