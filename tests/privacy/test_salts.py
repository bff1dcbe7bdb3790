"""Daily pseudonym salts: one per day, kept wrapped in the key store, gone 48 hours after their
day began, and pseudonyms under two days' salts never match (COL-10, USE-4)."""

from __future__ import annotations

import datetime

import pytest

from clientvault.privacy.models import SystemKey
from clientvault.privacy.salts import daily_salt, drop_expired_salts, pseudonym, salt_days

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
MONDAY = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


def test_a_day_has_one_salt_and_the_next_day_another():
    assert daily_salt(scope="t", now=MONDAY) == daily_salt(scope="t", now=MONDAY.replace(hour=23))
    tuesday = daily_salt(scope="t", now=MONDAY + datetime.timedelta(days=1))
    assert tuesday != daily_salt(scope="t", now=MONDAY)
    address = bytes([203, 0, 113, 5])
    assert pseudonym(tuesday, address) != pseudonym(daily_salt(scope="t", now=MONDAY), address)


def test_the_salt_is_stored_wrapped_never_in_the_clear():
    salt = daily_salt(scope="t", now=MONDAY)
    row = SystemKey.objects.get(name="salt:t:2026-11-02")
    assert salt not in bytes(row.wrapped)


def test_a_salt_is_deleted_48_hours_after_its_day_began():
    daily_salt(scope="t", now=MONDAY)
    daily_salt(scope="t", now=MONDAY + datetime.timedelta(days=1))
    wednesday_start = datetime.datetime(2026, 11, 4, tzinfo=datetime.UTC)
    assert drop_expired_salts(scope="t", now=wednesday_start - datetime.timedelta(seconds=1)) == 0
    assert drop_expired_salts(scope="t", now=wednesday_start) == 1
    assert salt_days(scope="t") == [datetime.date(2026, 11, 3)]


def test_a_deleted_salt_is_not_made_again_the_same_for_its_day():
    first = daily_salt(scope="t", now=MONDAY)
    drop_expired_salts(scope="t", now=MONDAY + datetime.timedelta(days=3))
    assert daily_salt(scope="t", now=MONDAY) != first


def test_scopes_do_not_share_salts():
    assert daily_salt(scope="a", now=MONDAY) != daily_salt(scope="b", now=MONDAY)
    drop_expired_salts(scope="a", now=MONDAY + datetime.timedelta(days=3))
    assert salt_days(scope="b") == [datetime.date(2026, 11, 2)]
