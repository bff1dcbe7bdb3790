"""The policy profile's ``[rights]`` section: how data-subject requests are answered.

Every key is optional::

    [rights]
    jurisdiction = "gdpr"        # gdpr: one month, extendable by two; ccpa: 45 days + 45
    verification_days = 14       # an unverified request expires after this many days
    code_minutes = 30            # how long a one-time code stays valid
    declaration_required = false # also ask for a signed declaration (name, date, a tick)
    closure_grace_days = 30      # a closed account is erased this many days after closing
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

JURISDICTIONS = ("gdpr", "ccpa")
KEYS = (
    "jurisdiction",
    "verification_days",
    "code_minutes",
    "declaration_required",
    "closure_grace_days",
)


@dataclass(frozen=True)
class RightsRules:
    jurisdiction: str = "gdpr"
    verification_days: int = 14
    code_minutes: int = 30
    declaration_required: bool = False
    closure_grace_days: int = 30


def _whole(low: int, high: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        return None if ok else f"must be a whole number from {low} to {high}"

    return check


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _jurisdiction(value: Any) -> str | None:
    return None if value in JURISDICTIONS else f"must be one of {', '.join(JURISDICTIONS)}"


CHECKS: dict[str, Callable[[Any], str | None]] = {
    "jurisdiction": _jurisdiction,
    "verification_days": _whole(1, 90),
    "code_minutes": _whole(5, 1440),
    "declaration_required": _bool,
    "closure_grace_days": _whole(0, 365),
}


def parse_rights(table: dict[str, Any]) -> tuple[RightsRules, tuple[str, str] | None]:
    """The rules of a ``[rights]`` table, or the first bad key and what is wrong with it."""
    for key, value in table.items():
        problem = CHECKS[key](value)
        if problem:
            return RightsRules(), (key, f"{problem} (got {value!r})")
    return RightsRules(**table), None
