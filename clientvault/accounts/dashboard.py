"""What apps above accounts add to the customer's dashboard, without accounts importing them.

An app registers a function (in its ``ready``) that, given the signed-in person's subject, the
account number and whether the person handles the account's privacy requests, returns the
open items to list under "Open requests" (the rights app's requests, later support tickets);
and a card source (:func:`register_card_source`) fills cards such as "Hosting services".
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clientvault.accounts.models import Person


@dataclass(frozen=True)
class OpenItem:
    label: str
    url: str
    status: str
    due: datetime.date | None = None


OpenItems = Callable[..., list[OpenItem]]  # fn(*, subject_id, account, may_privacy)
_sources: list[OpenItems] = []


def register_open_items(source: OpenItems) -> None:
    if source not in _sources:
        _sources.append(source)


def open_items(*, subject_id: uuid.UUID, account: str, may_privacy: bool) -> list[OpenItem]:
    found: list[OpenItem] = []
    for source in _sources:
        found += source(subject_id=subject_id, account=account, may_privacy=may_privacy)
    return found


# Cards: an app (hosting) fills cards of the dashboard. A source, given the account and the
# signed-in person, returns template context for its cards (``{}`` for a person who may not see
# them); the dashboard template shows each card's empty state when its key is missing.
CardSource = Callable[..., dict[str, Any]]  # fn(*, customer_id, person)
_card_sources: list[CardSource] = []


def register_card_source(source: CardSource) -> None:
    if source not in _card_sources:
        _card_sources.append(source)


def card_context(*, customer_id: uuid.UUID, person: Person) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for source in _card_sources:
        context.update(source(customer_id=customer_id, person=person))
    return context
