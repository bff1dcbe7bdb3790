"""What else a profile change should update, offered on the profile page (apps above accounts).

An app registers a function (in its ``ready``) that, given the person, returns the follow-ups
their current details call for: the hosting app offers to update the domain contacts copied
from the person's profile when the profile has changed since ("and tells the registrar").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clientvault.accounts.models import Person


@dataclass(frozen=True)
class FollowUp:
    text: str  # one sentence saying what is out of date
    url: str  # where to update it
    label: str  # the link's words


FollowUps = Callable[["Person"], list[FollowUp]]
_sources: list[FollowUps] = []


def register_profile_follow_ups(source: FollowUps) -> None:
    if source not in _sources:
        _sources.append(source)


def profile_follow_ups(person: Person) -> list[FollowUp]:
    return [found for source in _sources for found in source(person)]
