"""The database throttle: counted before the attempt, sliding windows, keyed hashes, a wait."""

import datetime as dt
import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import reverse

from clientvault.accounts import throttle
from clientvault.accounts.models import LoginEvent, ThrottleBucket, UserSession
from clientvault.settings import client_address_settings
from tests.accounts import personas
from tests.accounts.parallel import in_parallel, needs_postgresql
from tests.accounts.personas import PASSWORD

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

RULE = throttle.Rule("test", limit=3, window=600)
customer = personas.customer
PROXY = "10.0.0.2"  # the TLS-terminating proxy, as gunicorn sees it


@pytest.fixture
def behind(settings):
    """``behind(n)``: the settings CLIENTVAULT_TRUSTED_PROXIES=n gives."""

    def configure(trusted_proxies: int) -> None:
        for name, value in client_address_settings(trusted_proxies).items():
            setattr(settings, name, value)

    return configure


def address_of(remote_addr: str, forwarded_for: str | None = None) -> str:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    return throttle.client_ip(RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers))


def count_of(rule):
    """What the rule's buckets hold together (each test here uses one key per rule)."""
    return sum(ThrottleBucket.objects.filter(scope=rule.scope).values_list("count", flat=True))


def test_it_allows_up_to_the_limit_then_refuses_naming_the_wait():
    verdicts = [throttle.reserve((RULE, "198.51.100.1")) for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    refused = verdicts[-1]
    assert 0 < refused.retry_after <= RULE.window + throttle.BUCKET
    assert refused.message.startswith("Too many attempts. Please try again in ")
    assert throttle.reserve((RULE, "198.51.100.2")).allowed  # another key is its own count


def test_it_stores_only_a_keyed_hash_of_the_key():
    throttle.reserve((RULE, "ada@example.com"))
    bucket = ThrottleBucket.objects.get()
    assert len(bucket.key_digest) == 64
    assert bucket.key_digest != hashlib.sha256(b"ada@example.com").hexdigest()  # keyed
    assert bucket.window_start.timestamp() % 60 == 0  # a one-minute bucket
    assert bucket.count == 1


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, set by the test: ``clock["now"] += timedelta(...)``."""
    now = {"now": dt.datetime(2026, 1, 5, 9, 5, 30, tzinfo=dt.UTC)}
    monkeypatch.setattr(throttle.timezone, "now", lambda: now["now"])
    return now


def test_hits_leave_the_count_a_window_after_they_were_made(clock):
    assert [throttle.reserve((RULE, "k")).allowed for _ in range(4)] == [True] * 3 + [False]
    clock["now"] += timedelta(seconds=599)
    assert not throttle.reserve((RULE, "k")).allowed
    clock["now"] += timedelta(seconds=61)  # the first four are older than the window now
    assert throttle.reserve((RULE, "k")).allowed


def test_the_limit_holds_across_the_edge_of_a_fixed_window(clock):
    clock["now"] = dt.datetime(2026, 1, 5, 9, 9, 50, tzinfo=dt.UTC)  # 10 s before 9:10
    assert [throttle.reserve((RULE, "k")).allowed for _ in range(3)] == [True] * 3
    clock["now"] += timedelta(seconds=20)  # a fixed ten-minute window would start afresh here
    refused = throttle.reserve((RULE, "k"))
    assert not refused.allowed
    assert 500 < refused.retry_after <= 600  # until the first hits leave the window


def test_a_slot_given_back_in_the_next_minute_is_the_last_one_taken(clock):
    throttle.reserve((RULE, "k"))
    clock["now"] += timedelta(seconds=45)  # the request began in one minute, ends in the next
    throttle.release((RULE, "k"))
    assert count_of(RULE) == 0


def test_it_gives_the_longest_wait_of_the_refusals():
    short = throttle.Rule("short", limit=1, window=60)
    throttle.reserve((short, "k"))
    throttle.reserve((RULE, "k"))
    verdict = throttle.reserve((short, "k"), (RULE, "k"))
    assert not verdict.allowed
    assert verdict.retry_after <= short.window + throttle.BUCKET
    assert count_of(RULE) == 2  # every pair is counted, the refused attempt too


def test_a_success_gives_its_slot_back():
    for _ in range(3):
        assert throttle.reserve((RULE, "k")).allowed
        throttle.release((RULE, "k"))
    assert count_of(RULE) == 0
    assert [throttle.reserve((RULE, "k")).allowed for _ in range(4)] == [True] * 3 + [False]


def test_release_never_counts_below_zero():
    throttle.release((RULE, "k"))
    throttle.reserve((RULE, "k"))
    throttle.release((RULE, "k"))
    throttle.release((RULE, "k"))
    assert count_of(RULE) == 0


@pytest.mark.django_db(transaction=True, databases=["default", "keys"])
def test_parallel_reservations_allow_exactly_the_limit():
    needs_postgresql()
    verdicts = in_parallel(12, lambda _: throttle.reserve((RULE, "198.51.100.1")))
    assert sum(v.allowed for v in verdicts) == RULE.limit
    assert count_of(RULE) == 12


def test_clear_forgets_a_key():
    for _ in range(4):
        throttle.reserve((RULE, "k"))
    throttle.clear(RULE, "k")
    assert throttle.reserve((RULE, "k")).allowed


@pytest.mark.parametrize(("seconds", "words"), [(30, "1 minute"), (61, "2 minutes")])
def test_the_message_rounds_the_wait_up_to_minutes(seconds, words):
    verdict = throttle.Verdict(allowed=False, retry_after=seconds)
    assert verdict.message == f"Too many attempts. Please try again in {words}."


def test_it_keys_a_login_by_its_id_and_anything_else_as_typed_case_folded():
    assert throttle.login_key("5c1d", "  Ada@Example.COM ") == throttle.login_key("5c1d", "ada")
    assert throttle.login_key(None, "  Ada@Example.COM ") == "typed:ada@example.com"
    assert throttle.login_key(None, "ADA") != throttle.login_key("5c1d", "ada")


def test_it_never_reads_x_forwarded_for_without_trusted_proxies(behind):
    behind(0)
    assert address_of("198.51.100.9") == "198.51.100.9"
    assert address_of("198.51.100.9", "203.0.113.66") == "198.51.100.9"
    assert address_of("198.51.100.9", "203.0.113.66, 192.0.2.1") == "198.51.100.9"


def test_it_takes_the_entry_one_proxy_appended(behind):
    behind(1)
    assert address_of(PROXY, "198.51.100.9") == "198.51.100.9"
    # whatever the client put in the header itself stays on the left, and is not read
    assert address_of(PROXY, "203.0.113.66, 198.51.100.9") == "198.51.100.9"
    assert address_of(PROXY, "not-an-address, 198.51.100.9") == "198.51.100.9"
    assert address_of(PROXY) == "unknown"  # no header: not the proxy's address


def test_it_takes_the_second_from_the_right_behind_two_proxies(behind):
    behind(2)
    assert address_of(PROXY, "198.51.100.9, 10.0.0.1") == "198.51.100.9"
    assert address_of(PROXY, "203.0.113.66, 198.51.100.9, 10.0.0.1") == "198.51.100.9"
    assert address_of(PROXY, "198.51.100.9") == "unknown"  # too short to have passed both


def test_it_refuses_a_negative_proxy_count():
    with pytest.raises(ImproperlyConfigured, match="CLIENTVAULT_TRUSTED_PROXIES"):
        client_address_settings(-1)


def test_it_records_and_locks_out_the_real_client_behind_the_proxy(customer, behind):
    behind(1)
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.9")
    client.post(reverse("accounts:login"), {"username": "ada", "password": PASSWORD})
    assert LoginEvent.objects.get(user=customer.user).ip_address == "198.51.100.9"
    assert UserSession.objects.get(user=customer.user).ip_address == "198.51.100.9"
    login = reverse("accounts:login")
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66")
    for _ in range(5):  # the lockout locks "ada" from the attacker's address only
        attacker.post(login, {"username": "ada", "password": "wrong-password"})
    assert attacker.post(login, {"username": "ada", "password": PASSWORD}).status_code == 429
    owner = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert owner.post(login, {"username": "ada", "password": PASSWORD}).status_code == 302
