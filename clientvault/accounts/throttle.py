"""Throttling of the sign-in routes django-axes does not cover, counted in the database.

Each :class:`Rule` allows ``limit`` hits per fixed window of ``window`` seconds for one key (an
IP address, a typed identifier, a login's id). Keys are stored only as a keyed hash
(``ThrottleBucket.key_digest``, HMAC with ``SECRET_KEY``), so the table holds no address or
name. Counters live in the database, so they hold across every web process; old buckets go with
the retention sweep (period ``throttle``).

A route calls :func:`reserve` before the attempt: it counts the attempt and then decides, so
parallel requests cannot slip past a limit together. A rule that counts only failures gets its
slot back with :func:`release` when the attempt succeeds. A refusal names the wait ("try again
in N minutes") and answers 429. The same counters apply whether or not an account matches, so
a refusal says nothing about which accounts exist.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from axes.helpers import get_client_ip_address
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from clientvault.accounts.models import ThrottleBucket

WINDOW = 15 * 60


@dataclass(frozen=True)
class Rule:
    scope: str
    limit: int
    window: int = WINDOW


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the window that refused ends

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))

    @property
    def message(self) -> str:
        unit = "minute" if self.minutes == 1 else "minutes"
        return f"Too many attempts. Please try again in {self.minutes} {unit}."


ALLOWED = Verdict(allowed=True)

# Sign-in: axes locks a username from one address; LOGIN_IP caps one address across usernames,
# and LOGIN_IDENTIFIER one typed username or e-mail address across every address (a guesser
# spread over many addresses), counted the same whether or not an account matches. A browser
# with a known-device cookie for the login is counted under LOGIN_DEVICE (that cookie) instead
# of LOGIN_IDENTIFIER, so others' guesses cannot lock the owner out (accounts.devices).
LOGIN_IP = Rule("login-ip", 30)
LOGIN_IDENTIFIER = Rule("login-id", 30)
LOGIN_DEVICE = Rule("login-device", 30)
# Signup: one address cannot try many e-mail addresses, nor anyone one e-mail address often;
# the holder of an address in use is told at most once a day, however often it is tried.
SIGNUP_IP = Rule("signup-ip", 20)
SIGNUP_EMAIL = Rule("signup-email", 5)
SIGNUP_HOLDER_NOTICE = Rule("signup-holder-notice", 1, window=24 * 3600)
# Reset requests: past RESET_REQUEST_IDENTIFIER the page answers as usual but sends nothing.
RESET_REQUEST_IP = Rule("reset-request-ip", 10)
RESET_REQUEST_IDENTIFIER = Rule("reset-request-id", 3)
RESET_CONFIRM_IP = Rule("reset-confirm-ip", 10)
TWO_FACTOR_USER = Rule("two-factor-user", 5)
TWO_FACTOR_IP = Rule("two-factor-ip", 20)
REAUTH_USER = Rule("reauth-user", 5)


def client_ip(request: HttpRequest) -> str:
    """The client's address as axes sees it: django-ipware with the same proxy settings.

    ``CLIENTVAULT_TRUSTED_PROXIES`` says how many reverse proxies are in front; with 0,
    X-Forwarded-For is never read. "unknown" when no usable address was found.
    """
    return str(get_client_ip_address(request) or "unknown")


def normalise_identifier(value: str) -> str:
    return " ".join(value.split()).casefold()


def axes_username(request: HttpRequest, credentials: Mapping[str, Any] | None) -> str:
    """What axes counts failures against: the typed username or e-mail, case-folded."""
    value = (credentials or {}).get("username")
    if value is None:
        value = request.POST.get("username", "")
    return normalise_identifier(str(value))[:150]


def _digest(rule: Rule, key: str) -> str:
    value = f"{rule.scope}\x00{key}"
    return salted_hmac("clientvault.accounts.throttle", value, algorithm="sha256").hexdigest()


def _window(rule: Rule, now: dt.datetime) -> dt.datetime:
    seconds = int(now.timestamp())
    return dt.datetime.fromtimestamp(seconds - seconds % rule.window, tz=dt.UTC)


def _verdict(rule: Rule, count: int, start: dt.datetime, now: dt.datetime) -> Verdict:
    """The verdict on an attempt that made the window's count ``count`` (itself included)."""
    if count <= rule.limit:
        return ALLOWED
    remaining = (start + dt.timedelta(seconds=rule.window) - now).total_seconds()
    return Verdict(allowed=False, retry_after=max(1, math.ceil(remaining)))


def _add(rule: Rule, key: str, now: dt.datetime) -> int:
    """Count one attempt in the current window, atomically; the count with it included."""
    with transaction.atomic():
        bucket, _ = ThrottleBucket.objects.get_or_create(
            scope=rule.scope, key_digest=_digest(rule, key), window_start=_window(rule, now)
        )
        ThrottleBucket.objects.filter(pk=bucket.pk).update(count=F("count") + 1)
        return ThrottleBucket.objects.values_list("count", flat=True).get(pk=bucket.pk)


def reserve(*checks: tuple[Rule, str]) -> Verdict:
    """Count this attempt under every ``(rule, key)`` pair first, then decide on the counts.

    Counting before the attempt runs means parallel requests cannot all pass a check made
    before any of them was counted: the increment is one ``UPDATE ... count + 1`` and the
    attempt that makes a count pass the limit is refused. The first refusal, or ALLOWED; the
    longest wait wins. A refused attempt is counted too (it keeps its window refused).
    """
    now = timezone.now()
    verdicts = [_verdict(r, _add(r, k, now), _window(r, now), now) for r, k in checks]
    refusals = [v for v in verdicts if not v.allowed]
    if not refusals:
        return ALLOWED
    return max(refusals, key=lambda v: v.retry_after)


def release(*checks: tuple[Rule, str]) -> None:
    """Give back the slot :func:`reserve` took, for rules that count only failures.

    A correct password, code or link hands its slot back (never below 0), so only failures
    use up the limit.
    """
    now = timezone.now()
    for rule, key in checks:
        ThrottleBucket.objects.filter(
            scope=rule.scope,
            key_digest=_digest(rule, key),
            window_start=_window(rule, now),
            count__gt=0,
        ).update(count=F("count") - 1)


def clear(rule: Rule, key: str) -> None:
    """Forget a key's counts (a correct second-factor code clears its failures)."""
    ThrottleBucket.objects.filter(scope=rule.scope, key_digest=_digest(rule, key)).delete()
