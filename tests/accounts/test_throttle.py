"""The database throttle: fixed windows, keyed hashes, a clear wait."""

import hashlib
from datetime import timedelta

import pytest
from django.test import RequestFactory

from clientvault.accounts import throttle
from clientvault.accounts.models import ThrottleBucket

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

RULE = throttle.Rule("test", limit=3, window=600)


def test_it_allows_up_to_the_limit_then_refuses_naming_the_wait():
    for expected in (1, 2, 3):
        assert throttle.check(RULE, "198.51.100.1").allowed
        assert throttle.hit(RULE, "198.51.100.1") == expected
    verdict = throttle.check(RULE, "198.51.100.1")
    assert not verdict.allowed
    assert 0 < verdict.retry_after <= 600
    assert verdict.message.startswith("Too many attempts. Please try again in ")
    assert throttle.check(RULE, "198.51.100.2").allowed  # another key is its own count


def test_it_stores_only_a_keyed_hash_of_the_key():
    throttle.hit(RULE, "ada@example.com")
    bucket = ThrottleBucket.objects.get()
    assert len(bucket.key_digest) == 64
    assert bucket.key_digest != hashlib.sha256(b"ada@example.com").hexdigest()  # keyed
    assert bucket.window_start.timestamp() % 600 == 0


def test_a_new_window_starts_a_new_count():
    for _ in range(3):
        throttle.hit(RULE, "k")
    ThrottleBucket.objects.update(
        window_start=ThrottleBucket.objects.get().window_start - timedelta(seconds=600)
    )
    assert throttle.check(RULE, "k").allowed


def test_blocked_gives_the_longest_wait_of_the_refusals():
    short = throttle.Rule("short", limit=1, window=60)
    throttle.hit(short, "k")
    throttle.hit(RULE, "k")
    assert throttle.blocked((RULE, "k")).allowed
    verdict = throttle.blocked((short, "k"), (RULE, "k"))
    assert not verdict.allowed
    assert verdict.retry_after <= 60


def test_clear_forgets_a_key():
    for _ in range(3):
        throttle.hit(RULE, "k")
    throttle.clear(RULE, "k")
    assert throttle.check(RULE, "k").allowed


@pytest.mark.parametrize(("seconds", "words"), [(30, "1 minute"), (61, "2 minutes")])
def test_the_message_rounds_the_wait_up_to_minutes(seconds, words):
    verdict = throttle.Verdict(allowed=False, retry_after=seconds)
    assert verdict.message == f"Too many attempts. Please try again in {words}."


def test_axes_counts_usernames_case_folded():
    request = RequestFactory().post("/sign-in", {"username": "  Ada@Example.COM "})
    assert throttle.axes_username(request, None) == "ada@example.com"
    assert throttle.axes_username(request, {"username": "ADA"}) == "ada"
