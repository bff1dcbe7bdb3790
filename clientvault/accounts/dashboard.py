"""What apps above accounts add to the customer's dashboard, without accounts importing them.

An app registers a function (in its ``ready``) that, given the signed-in person's subject, the
account number and whether the person handles the account's privacy requests, returns the
open items to list under "Open requests" (the rights app's requests, later support tickets).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass


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
