"""Who a campaign can go to: audiences offered by the apps that know the people.

Messaging knows no customers (it sits below accounts), so the app that does registers a
provider for each audience: a function yielding each member's subject, address and the values a
campaign may use (``given_name``). Consent is not the provider's concern: the campaign checks it
for each member when it queues, and the outbox again when each message leaves.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Member:
    subject_id: uuid.UUID
    address: str
    values: dict[str, str] = field(default_factory=dict)


Provider = Callable[[], Iterator[Member]]
_providers: dict[str, Provider] = {}


def register_audience(audience: str, provider: Provider) -> None:
    """Offer ``audience`` (an ``Audience`` value); registering one twice is refused."""
    if audience in _providers:
        raise ValueError(f"audience {audience!r} is registered twice")
    _providers[audience] = provider


def members_of(audience: str) -> Iterator[Member]:
    try:
        provider = _providers[audience]
    except KeyError:
        raise LookupError(f"no app offers the audience {audience!r}") from None
    return provider()
