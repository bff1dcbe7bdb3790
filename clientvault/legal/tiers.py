"""What each kind of demand may release (SHR-5, SHR-6, SHR-7): pure rules, no database.

- subscriber and account data (name, contact, username, account ids, billing records, IP
  address) needs at least a subpoena;
- other records that are not content (activity, device, operations, workplace, card or bank)
  at least a court order;
- communications and other content needs a search warrant or an interception order;
- an emergency request releases only the profile's emergency categories, and only until its
  follow-up deadline; a preservation request releases nothing (it places holds);
- another demand (harm or a legal obligation, SHR-7) releases only subscriber data (name,
  contact, username, account ids, IP address): no card, bank or billing records, no other
  records and no content;
- sensitive data and credentials are never released.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from clientvault.privacy.taxonomy import CATEGORIES, SENSITIVE_PREFIX

SUBSCRIBER = frozenset(
    {
        "user.name",
        "user.contact",
        "user.contact.email",
        "user.contact.phone_number",
        "user.contact.address",
        "user.account.username",
        "user.unique_id",
        "user.financial",
        "user.device.ip_address",
    }
)
# What another demand (harm or a legal obligation) may receive (SHR-7): no billing records.
OTHER_ALLOWED = frozenset(SUBSCRIBER - {"user.financial"})
CONTENT = frozenset({"user.content.communications", "user.content"})
# Never released: passwords, sensitive data, and the register of legal process itself (other
# authorities' cases, holds and earlier packages).
NEVER = frozenset(
    {
        "user.authorization.credentials",
        "user.legal",
        *(c for c in CATEGORIES if c.startswith(SENSITIVE_PREFIX)),
    }
)
NON_CONTENT = frozenset(set(CATEGORIES) - SUBSCRIBER - CONTENT - NEVER)
# Releasable categories, in the order a form shows them.
RELEASABLE = tuple(c for c in CATEGORIES if c not in NEVER)

SUBSCRIBER_TIER, RECORDS_TIER, CONTENT_TIER = 1, 2, 3
TIER_NEEDS = {
    SUBSCRIBER_TIER: "a subpoena",
    RECORDS_TIER: "a court order",
    CONTENT_TIER: "a search warrant or an interception order",
}
# The highest tier each type of legal process reaches.
TYPE_TIER = {
    "subpoena": SUBSCRIBER_TIER,
    "court_order": RECORDS_TIER,
    "search_warrant": CONTENT_TIER,
    "interception_order": CONTENT_TIER,
}


@dataclass(frozen=True)
class Refusal:
    """A rule a release breaks: a short code and one sentence naming it."""

    rule: str
    message: str


def tier(category: str) -> int:
    if category in CONTENT:
        return CONTENT_TIER
    if category in SUBSCRIBER:
        return SUBSCRIBER_TIER
    return RECORDS_TIER


def has_content(categories: Iterable[str]) -> bool:
    return any(c in CONTENT for c in categories)


def _basic(categories: Sequence[str]) -> Refusal | None:
    if not categories:
        return Refusal("no_categories", "Categories: choose at least one category to release.")
    unknown = [c for c in categories if c not in CATEGORIES]
    if unknown:
        return Refusal("unknown_category", f"Categories: {unknown[0]!r} is no data category.")
    never = [c for c in categories if c in NEVER]
    if never:
        return Refusal("never_released", f"Categories: {never[0]} is never released.")
    return None


def _by_tier(demand_type: str, categories: Sequence[str]) -> Refusal | None:
    reach = TYPE_TIER[demand_type]
    for category in sorted(categories, key=tier, reverse=True):
        if tier(category) > reach:
            return Refusal(
                "above_demand",
                f"Categories: {category} needs {TIER_NEEDS[tier(category)]}; "
                f"a {demand_type.replace('_', ' ')} does not allow it.",
            )
    return None


def _emergency(
    categories: Sequence[str],
    allowed: Sequence[str],
    window_ends: datetime.date | None,
    today: datetime.date,
) -> Refusal | None:
    if window_ends is None or today > window_ends:
        return Refusal(
            "emergency_window_expired",
            "The emergency window has expired: release only on the formal demand.",
        )
    outside = [c for c in categories if c not in allowed]
    if outside:
        return Refusal(
            "above_demand",
            f"Categories: {outside[0]} is not among the emergency categories of the policy "
            "profile; it needs the formal demand.",
        )
    return None


def _other(categories: Sequence[str]) -> Refusal | None:
    beyond = sorted((c for c in categories if c not in OTHER_ALLOWED), key=tier, reverse=True)
    if beyond:
        return Refusal(
            "above_demand",
            f"Categories: {beyond[0]} is beyond subscriber data; a demand on the harm or "
            "legal-obligation ground receives only name, contact, username, account ids and "
            "IP address.",
        )
    return None


def release_refusal(
    *,
    demand_type: str,
    categories: Sequence[str],
    emergency_categories: Sequence[str] = (),
    window_ends: datetime.date | None = None,
    today: datetime.date,
) -> Refusal | None:
    """The rule a release of ``categories`` on a demand of ``demand_type`` breaks, or None."""
    basic = _basic(categories)
    if basic:
        return basic
    if demand_type == "preservation":
        return Refusal(
            "preservation_releases_nothing",
            "A preservation request releases nothing: it places holds until a formal demand.",
        )
    if demand_type == "emergency":
        return _emergency(categories, emergency_categories, window_ends, today)
    if demand_type == "other":
        return _other(categories)
    return _by_tier(demand_type, categories)
