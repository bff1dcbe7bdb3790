"""Throttling and lockout of the routes that take a secret, counted in the database.

Each :class:`Rule` allows ``limit`` hits in any ``window`` seconds for one key (an IP address, a
login, a typed identifier, a login's id): hits are counted in one-minute buckets and a decision
sums the buckets of the last window, so the limit holds across any stretch of time (a fixed
window would let twice the limit through around its edge). Keys are stored only as a keyed hash
(``ThrottleBucket.key_digest``, HMAC with ``SECRET_KEY``), so the table holds no address or
name. Counters live in the database, so they hold across every web process; old buckets go with
the retention sweep (period ``throttle``).

A route calls :func:`reserve` before the attempt: it counts the attempt and then decides, so
parallel requests cannot slip past a limit together. A rule that counts only failures gets its
slot back with :func:`release` when the attempt succeeds. A refusal names the wait ("try again
in N minutes") and answers 429. The same counters apply whether or not an account matches, so
a refusal says nothing about which accounts exist.

The sign-in's :class:`Lockout` (:data:`LOGIN_LOCKOUT`) locks password guessing: ``limit`` wrong
passwords for one login from one address, each within ``cool_off`` seconds of the one before,
lock that pair until ``cool_off`` seconds after the last; meanwhile even the right password is
refused. The login is what the typed username or e-mail address resolves to
(:func:`login_key`), so both draw on one budget; an identifier that names no login counts as
typed (normalised), locked exactly alike. :func:`reserve_attempt` counts the attempt before it
runs (a refused one is not counted: it tried nothing), a correct password clears the pair
(:func:`forget_failures`), and a password reset or an erasure clears the login from every
address. Failures are counted per second, in buckets whose key digest begins with a keyed hash
of the login alone, so one login's buckets are found without knowing the addresses.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from ipware import get_client_ip

from clientvault.accounts.models import ThrottleBucket

WINDOW = 15 * 60
BUCKET = 60  # seconds: a rule's hits are counted per minute
ANCHOR = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)  # the lockout's per-pair lock row (count 0)


@dataclass(frozen=True)
class Rule:
    scope: str
    limit: int
    window: int = WINDOW


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the oldest hit counted leaves the window

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))

    @property
    def message(self) -> str:
        unit = "minute" if self.minutes == 1 else "minutes"
        return f"Too many attempts. Please try again in {self.minutes} {unit}."


ALLOWED = Verdict(allowed=True)


@dataclass(frozen=True)
class Lockout:
    """``limit`` failures for one login from one address, each within ``cool_off`` seconds of
    the one before, lock that pair until ``cool_off`` seconds after the last."""

    scope: str
    limit: int
    cool_off: int


# Sign-in: LOGIN_LOCKOUT locks one login from one address; LOGIN_IP caps one address across
# logins, and LOGIN_IDENTIFIER one login (or one typed identifier that names none) across every
# address (a guesser spread over many addresses), counted the same whether or not an account
# matches. A browser with a known-device cookie for the login is counted under LOGIN_DEVICE (that
# cookie) instead of LOGIN_IDENTIFIER, so others' guesses cannot lock the owner out
# (accounts.devices).
LOGIN_LOCKOUT = Lockout(
    "login-lock",
    limit=settings.CLIENTVAULT_LOGIN_LOCKOUT_FAILURES,
    cool_off=settings.CLIENTVAULT_LOGIN_LOCKOUT_SECONDS,
)
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
    """The client's address: django-ipware with the settings ``CLIENTVAULT_TRUSTED_PROXIES`` gives.

    ``CLIENTVAULT_TRUSTED_PROXIES`` says how many reverse proxies are in front; with 0,
    X-Forwarded-For is never read. "unknown" when no usable address was found.
    """
    address, _ = get_client_ip(request)
    return str(address or "unknown")


def normalise_identifier(value: str) -> str:
    return " ".join(value.split()).casefold()


def login_key(login_id: object | None, typed: str) -> str:
    """What the sign-in counts against: the login's id, else the identifier as typed.

    Typing the username or the e-mail address of one login gives the same key; an identifier
    that names no login is counted by its normalised text.
    """
    if login_id is not None:
        return f"login:{login_id}"
    return f"typed:{normalise_identifier(typed)}"


def _digest(scope: str, key: str) -> str:
    value = f"{scope}\x00{key}"
    return salted_hmac("clientvault.accounts.throttle", value, algorithm="sha256").hexdigest()


def _bucket(now: dt.datetime) -> dt.datetime:
    """The start of the one-minute bucket ``now`` is counted in."""
    seconds = int(now.timestamp())
    return dt.datetime.fromtimestamp(seconds - seconds % BUCKET, tz=dt.UTC)


def _recent(rule: Rule, digest: str, now: dt.datetime) -> QuerySet[ThrottleBucket]:
    """The key's buckets that may hold a hit of the rule's last window (a bucket counts until
    its last second has left the window: a hit never leaves the count early)."""
    since = now - dt.timedelta(seconds=rule.window + BUCKET)
    return ThrottleBucket.objects.filter(
        scope=rule.scope, key_digest=digest, window_start__gt=since, window_start__lte=now
    )


def _verdict(rule: Rule, digest: str, now: dt.datetime, position: int) -> Verdict:
    """The verdict on the hits of the last window, this attempt being the ``position``-th of
    the current bucket: counts that parallel attempts add to it after this one are not its
    concern, so exactly ``limit`` parallel attempts pass."""
    recent = _recent(rule, digest, now).filter(count__gt=0)
    earlier = recent.exclude(window_start=_bucket(now)).aggregate(total=Sum("count"))["total"]
    total = (earlier or 0) + position
    if total <= rule.limit:
        return ALLOWED
    oldest = recent.order_by("window_start").values_list("window_start", flat=True).first()
    ends = (oldest or now) + dt.timedelta(seconds=rule.window + BUCKET)
    return Verdict(allowed=False, retry_after=max(1, math.ceil((ends - now).total_seconds())))


def _add(scope: str, digest: str, start: dt.datetime, step: int = 1) -> int:
    """Add ``step`` to one bucket, atomically (never below 0); the count with it included."""
    with transaction.atomic():
        bucket, _ = ThrottleBucket.objects.get_or_create(
            scope=scope, key_digest=digest, window_start=start
        )
        rows = ThrottleBucket.objects.filter(pk=bucket.pk, count__gte=-step)
        rows.update(count=F("count") + step)
        return ThrottleBucket.objects.values_list("count", flat=True).get(pk=bucket.pk)


def reserve(*checks: tuple[Rule, str]) -> Verdict:
    """Count this attempt under every ``(rule, key)`` pair first, then decide on the counts.

    Counting before the attempt runs means parallel requests cannot all pass a check made
    before any of them was counted: the increment is one ``UPDATE ... count + 1`` and the
    attempt that makes a count pass the limit is refused. The first refusal, or ALLOWED; the
    longest wait wins. A refused attempt is counted too (it keeps its window refused).
    """
    now = timezone.now()
    verdicts = []
    for rule, key in checks:
        digest = _digest(rule.scope, key)
        position = _add(rule.scope, digest, _bucket(now))
        verdicts.append(_verdict(rule, digest, now, position))
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
        recent = _recent(rule, _digest(rule.scope, key), now).filter(count__gt=0)
        newest = recent.order_by("-window_start").values_list("pk", flat=True).first()
        if newest is not None:
            ThrottleBucket.objects.filter(pk=newest, count__gt=0).update(count=F("count") - 1)


def clear(rule: Rule, key: str) -> int:
    """Forget a key's counts (a correct second-factor code clears its failures); how many rows."""
    buckets = ThrottleBucket.objects.filter(scope=rule.scope, key_digest=_digest(rule.scope, key))
    deleted, _ = buckets.delete()
    return deleted


# --- the sign-in lockout -------------------------------------------------------------------


def _login_prefix(lockout: Lockout, login: str) -> str:
    return _digest(lockout.scope, login)[:32]


def _pair(lockout: Lockout, login: str, address: str) -> str:
    """The pair's key digest: a keyed hash of the login, then one of the login and address."""
    pair = _digest(lockout.scope, f"{login}\x00{address}")[:32]
    return _login_prefix(lockout, login) + pair


def _failures(
    lockout: Lockout, digest: str, now: dt.datetime, before: dt.datetime | None = None
) -> tuple[int, dt.datetime | None]:
    """How many failures the pair's current streak holds, and the second of the last one.

    The streak runs back from now while each failure is within ``cool_off`` of the next;
    ``before``: only the failures counted before that second.
    """
    bound = {"window_start__lt": before} if before else {"window_start__lte": now}
    rows = ThrottleBucket.objects.filter(
        scope=lockout.scope, key_digest=digest, count__gt=0, **bound
    ).order_by("-window_start")
    total, last, later = 0, None, now
    for start, count in rows.values_list("window_start", "count")[: lockout.limit + 1]:
        if (later - start).total_seconds() > lockout.cool_off:
            break
        total, last, later = total + count, last or start, start
    return total, last


def _locked(lockout: Lockout, digest: str, now: dt.datetime) -> Verdict:
    total, last = _failures(lockout, digest, now)
    if total < lockout.limit or last is None:
        return ALLOWED
    remaining = (last + dt.timedelta(seconds=lockout.cool_off) - now).total_seconds()
    return Verdict(allowed=False, retry_after=max(1, math.ceil(remaining)))


def reserve_attempt(lockout: Lockout, login: str, address: str) -> Verdict:
    """Count a password attempt on ``login`` from ``address`` before it runs, unless locked.

    A locked pair is refused without counting (the attempt tries nothing). Otherwise the
    attempt is counted first, so parallel attempts cannot pass the limit together: one that
    finds the streak already past the limit is refused and uncounted. A correct password then
    clears the pair with :func:`forget_failures`; a wrong one stays counted.
    """
    digest = _pair(lockout, login, address)
    with transaction.atomic():
        _one_at_a_time(lockout.scope, digest)
        now = timezone.now()
        refused = _locked(lockout, digest, now)
        if not refused.allowed:
            return refused
        second = now.replace(microsecond=0)
        earlier, _ = _failures(lockout, digest, now, before=second)
        if earlier + _add(lockout.scope, digest, second) <= lockout.limit:  # its place
            return ALLOWED
        _add(lockout.scope, digest, second, step=-1)
        locked = _locked(lockout, digest, now)
    return locked if not locked.allowed else Verdict(allowed=False, retry_after=lockout.cool_off)


def _one_at_a_time(scope: str, digest: str) -> None:
    """Serialise the pair's reservations until the transaction ends: a row lock on the pair's
    anchor (a bucket at the epoch, count 0, never counted). Without it, attempts straddling a
    second could each read the earlier seconds before the others had counted, and together
    pass the limit."""
    anchor, _ = ThrottleBucket.objects.get_or_create(
        scope=scope, key_digest=digest, window_start=ANCHOR
    )
    ThrottleBucket.objects.select_for_update().filter(pk=anchor.pk).first()


def lock_after_failure(lockout: Lockout, login: str, address: str) -> Verdict:
    """The reserved attempt failed; refused (the whole cool-off named) if that locked the pair."""
    total, _ = _failures(lockout, _pair(lockout, login, address), timezone.now())
    if total < lockout.limit:
        return ALLOWED
    return Verdict(allowed=False, retry_after=lockout.cool_off)


def forget_failures(lockout: Lockout, login: str, address: str | None = None) -> int:
    """Clear the failures of ``login`` from ``address``, or from every address; how many rows.

    A correct password clears its own address; a password reset or an erasure every address.
    """
    rows = ThrottleBucket.objects.filter(scope=lockout.scope)
    if address is None:
        rows = rows.filter(key_digest__startswith=_login_prefix(lockout, login))
    else:
        rows = rows.filter(key_digest=_pair(lockout, login, address))
    deleted, _ = rows.delete()
    return deleted


def unlock_login(login_id: object) -> int:
    """Lift the login's lockout from every address and its limit across addresses (a password
    reset: whoever guessed before guessed at a password that is gone); how many rows."""
    login = login_key(login_id, "")
    return forget_failures(LOGIN_LOCKOUT, login) + clear(LOGIN_IDENTIFIER, login)


def forget_login(login_id: object) -> int:
    """Forget every count kept for the login (its erasure); how many rows."""
    user_rules = (TWO_FACTOR_USER, REAUTH_USER)
    return unlock_login(login_id) + sum(clear(rule, str(login_id)) for rule in user_rules)
