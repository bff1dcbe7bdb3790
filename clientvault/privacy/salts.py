"""Daily pseudonym salts: random keys that rotate every day and are deleted after 48 hours.

A pseudonym is a keyed hash of a value (a visitor's IP address) under the salt of the day it
was made. The salts live wrapped in the key store, never beside the data, and
:func:`drop_expired_salts` deletes each one 48 hours after its day began: from then on nobody,
the operator included, can tell whose pseudonym it was by hashing candidate addresses again
(COL-10, USE-4). Pseudonyms made under different days' salts never match.
"""

from __future__ import annotations

import datetime
import hashlib

from clientvault.privacy import vault
from clientvault.privacy.models import SystemKey

SALT_HOURS = 48
_PREFIX = "salt"


def _name(scope: str, day: datetime.date) -> str:
    return f"{_PREFIX}:{scope}:{day.isoformat()}"


def salt_expires(day: datetime.date) -> datetime.datetime:
    """When the salt of ``day`` is deleted: 48 hours after the day began (UTC)."""
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
    return start + datetime.timedelta(hours=SALT_HOURS)


def daily_salt(*, scope: str, now: datetime.datetime) -> bytes:
    """The salt of ``now``'s day (UTC) for ``scope``, made on first use."""
    return vault.stored_key(_name(scope, now.astimezone(datetime.UTC).date()))


def pseudonym(salt: bytes, value: bytes) -> int:
    """A signed 64-bit keyed hash (BLAKE2b under the salt) of ``value``."""
    digest = hashlib.blake2b(value, key=salt, digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def drop_expired_salts(*, scope: str, now: datetime.datetime) -> int:
    """Delete every salt of ``scope`` whose 48 hours are over; how many were deleted."""
    expired = [
        row.pk
        for row in SystemKey.objects.filter(name__startswith=f"{_PREFIX}:{scope}:")
        if salt_expires(_day_of(row.name)) <= now
    ]
    SystemKey.objects.filter(pk__in=expired).delete()
    return len(expired)


def _day_of(name: str) -> datetime.date:
    return datetime.date.fromisoformat(name.rsplit(":", 1)[1])


def salt_days(*, scope: str) -> list[datetime.date]:
    """The days whose salts for ``scope`` are still kept."""
    names = SystemKey.objects.filter(name__startswith=f"{_PREFIX}:{scope}:")
    return sorted(_day_of(name) for name in names.values_list("name", flat=True))
