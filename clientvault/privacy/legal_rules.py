"""The policy profile's ``[legal]`` and ``[breach]`` sections: legal process and breach response.

Every key is optional::

    [legal]
    # What an emergency request (danger of death or serious injury) may receive before the
    # formal demand arrives, and how many days the authority has to send that demand.
    emergency_categories = ["user.name", "user.contact.email", "user.contact.phone_number"]
    emergency_followup_days = 2
    notice_reminder_days = 14    # remind the legal team this long before a deferred notice lapses
    package_days = 7             # how long an authority's download link works
    preservation_days = 90       # how long a preservation request holds data (renewable)

    [breach]
    regulator_hours = 72         # GDPR Art. 33(1): to the supervisory authority
    regulator = "the Information Commissioner's Office"
    # How people are told (SEC-4): the channels the law of the operator requires, in order.
    channels = ["email", "letter", "telephone"]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clientvault.privacy.taxonomy import CATEGORIES, SENSITIVE_PREFIX

LEGAL_KEYS = (
    "emergency_categories",
    "emergency_followup_days",
    "notice_reminder_days",
    "package_days",
    "preservation_days",
)
BREACH_KEYS = ("regulator_hours", "regulator", "channels")
CHANNELS = ("email", "letter", "telephone")
EMERGENCY_DEFAULT = (
    "user.name",
    "user.contact.email",
    "user.contact.phone_number",
    "user.contact.address",
    "user.device.ip_address",
)


@dataclass(frozen=True)
class LegalRules:
    emergency_categories: tuple[str, ...] = EMERGENCY_DEFAULT
    emergency_followup_days: int = 2
    notice_reminder_days: int = 14
    package_days: int = 7
    preservation_days: int = 90


@dataclass(frozen=True)
class BreachRules:
    regulator_hours: int = 72
    regulator: str = "the supervisory authority"
    channels: tuple[str, ...] = CHANNELS


def _whole(low: int, high: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        return None if ok else f"must be a whole number from {low} to {high}"

    return check


def _categories(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        return "must be a list of data categories"
    unknown = [c for c in value if c not in CATEGORIES]
    if unknown:
        return f"unknown data category {unknown[0]!r}"
    sensitive = [c for c in value if c.startswith(SENSITIVE_PREFIX)]
    return f"{sensitive[0]} is sensitive data, never disclosed" if sensitive else None


def _channels(value: Any) -> str | None:
    ok = isinstance(value, list) and value and all(c in CHANNELS for c in value)
    dupes = isinstance(value, list) and len(set(map(str, value))) != len(value)
    if not ok or dupes:
        return f"must be a list of distinct channels from {', '.join(CHANNELS)}"
    return None


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be a non-empty text"


LEGAL_CHECKS: dict[str, Callable[[Any], str | None]] = {
    "emergency_categories": _categories,
    "emergency_followup_days": _whole(1, 30),
    "notice_reminder_days": _whole(1, 90),
    "package_days": _whole(1, 30),
    "preservation_days": _whole(1, 365),
}
BREACH_CHECKS: dict[str, Callable[[Any], str | None]] = {
    "regulator_hours": _whole(1, 720),
    "regulator": _text,
    "channels": _channels,
}


def _parse(
    table: dict[str, Any], checks: dict[str, Callable[[Any], str | None]]
) -> tuple[dict[str, Any], tuple[str, str] | None]:
    values: dict[str, Any] = {}
    for key, value in table.items():
        problem = checks[key](value)
        if problem:
            return {}, (key, f"{problem} (got {value!r})")
        values[key] = tuple(value) if isinstance(value, list) else value
    return values, None


def parse_legal(table: dict[str, Any]) -> tuple[LegalRules, tuple[str, str] | None]:
    """The rules of a ``[legal]`` table, or the first bad key and what is wrong with it."""
    values, problem = _parse(table, LEGAL_CHECKS)
    return LegalRules(**values), problem


def parse_breach(table: dict[str, Any]) -> tuple[BreachRules, tuple[str, str] | None]:
    """The rules of a ``[breach]`` table, or the first bad key and what is wrong with it."""
    values, problem = _parse(table, BREACH_CHECKS)
    return BreachRules(**values), problem
