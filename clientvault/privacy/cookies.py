"""The cookie registry (COL-8): every cookie the site sets, declared once, and who may get one.

Each cookie is declared here with its name, what it is for, whether it is strictly necessary or
remembers a preference, and how long it lasts; ``/privacy`` and ``/cookies`` list them from
here, and :class:`clientvault.privacy.middleware.CookiePolicyMiddleware` lets no other cookie
out (in the tests it fails the test instead, ``CLIENTVAULT_COOKIE_VIOLATIONS``).

A strictly necessary cookie is set without asking. A preference cookie is set only for a
browser whose visitor accepted preference cookies (the choice is itself remembered in the
strictly necessary cookie ``cv_cookies``) and that does not send Global Privacy Control
(``Sec-GPC: 1``), which is honoured as a refusal of every cookie that is not strictly necessary.
Names and lifetimes of Django's own cookies come from the settings, read at each call.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponseBase


class Necessity(models.TextChoices):
    NECESSARY = "necessary", "Strictly necessary"
    PREFERENCE = "preference", "Preference, only if you agree"


class CookieChoice(models.TextChoices):
    """What a visitor answered about preference cookies (the value of ``cv_cookies``)."""

    ACCEPTED = "accepted", "Preference cookies accepted"
    REFUSED = "refused", "Preference cookies refused"


CHOICE_COOKIE = "cv_cookies"
TEXT_SIZE_COOKIE = "cv_text"
# A choice is asked again after six months; a preference lasts no longer than the choice.
CHOICE_AGE = 180 * 24 * 3600
PREFERENCE_AGE = CHOICE_AGE
# The date /.well-known/gpc.json says the site's support of Global Privacy Control last changed.
GPC_LAST_UPDATE = datetime.date(2026, 12, 6)
# The header a browser sends with Global Privacy Control on (https://privacycg.github.io/gpc-spec/).
GPC_HEADER = "Sec-GPC"

_DAY = 24 * 3600


@dataclass(frozen=True)
class Cookie:
    """One cookie the site sets. ``max_age`` in seconds; None: until the browser is closed."""

    name: str
    purpose: str
    necessity: Necessity
    max_age: int | None

    @property
    def necessary(self) -> bool:
        return self.necessity == Necessity.NECESSARY

    @property
    def lifetime(self) -> str:
        """How long the cookie lasts, in words: '12 hours', '180 days', '1 year'."""
        return lifetime_words(self.max_age)


def lifetime_words(seconds: int | None) -> str:
    if seconds is None:
        return "until you close your browser"
    if seconds % (365 * _DAY) == 0:
        return _plural(seconds // (365 * _DAY), "year")
    if seconds % _DAY == 0:
        return _plural(seconds // _DAY, "day")
    if seconds % 3600 == 0:
        return _plural(seconds // 3600, "hour")
    return _plural(max(1, seconds // 60), "minute")


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


def registry() -> tuple[Cookie, ...]:
    """Every cookie the site may set, strictly necessary ones first."""
    necessary = Necessity.NECESSARY
    return (
        Cookie(settings.SESSION_COOKIE_NAME, "keeps you signed in", necessary, _session_age()),
        Cookie(
            settings.CSRF_COOKIE_NAME,
            "protects our forms against forged submissions",
            necessary,
            settings.CSRF_COOKIE_AGE,
        ),
        Cookie(
            settings.CLIENTVAULT_DEVICE_COOKIE_NAME,
            "remembers that this browser has signed in to your account before, so that someone "
            "guessing your password elsewhere cannot lock you out",
            necessary,
            settings.CLIENTVAULT_DEVICE_COOKIE_AGE,
        ),
        Cookie(
            settings.MESSAGES_COOKIE_NAME,
            "carries a one-time notice, such as that you have signed out, to the next page you "
            "open, and is removed once it is shown",
            necessary,
            None,
        ),
        Cookie(
            CHOICE_COOKIE,
            "remembers whether you accepted or refused preference cookies, so that we do not "
            "ask again on every page",
            necessary,
            CHOICE_AGE,
        ),
        Cookie(
            TEXT_SIZE_COOKIE,
            "remembers that you chose larger text",
            Necessity.PREFERENCE,
            PREFERENCE_AGE,
        ),
    )


def _session_age() -> int | None:
    return None if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE else settings.SESSION_COOKIE_AGE


def declared(name: str) -> Cookie | None:
    """The declaration of the cookie ``name``; None for a cookie the site must not set."""
    return next((cookie for cookie in registry() if cookie.name == name), None)


def preference_cookies() -> tuple[Cookie, ...]:
    return tuple(cookie for cookie in registry() if not cookie.necessary)


# -- what a request allows ---------------------------------------------------------------------


def sends_gpc(request: HttpRequest) -> bool:
    """Whether the browser sends Global Privacy Control (``Sec-GPC: 1``)."""
    return request.headers.get(GPC_HEADER, "").strip() == "1"


def cookie_choice(request: HttpRequest) -> str:
    """The visitor's answer kept in ``cv_cookies`` (a CookieChoice value), or "" for none yet."""
    value = request.COOKIES.get(CHOICE_COOKIE, "")
    return value if value in CookieChoice.values else ""


@dataclass(frozen=True)
class CookieState:
    """What a browser has said: its choice ("" when none), and whether it sends GPC."""

    choice: str
    gpc: bool

    @property
    def preferences_allowed(self) -> bool:
        return self.choice == CookieChoice.ACCEPTED and not self.gpc

    @property
    def undecided(self) -> bool:
        """Whether to ask: no choice yet, and no GPC (which has answered already)."""
        return not self.choice and not self.gpc


def cookie_state(request: HttpRequest) -> CookieState:
    return CookieState(choice=cookie_choice(request), gpc=sends_gpc(request))


def preferences_allowed(request: HttpRequest) -> bool:
    """Whether preference cookies may be set for this browser."""
    return cookie_state(request).preferences_allowed


def signed_in_customer(request: HttpRequest) -> uuid.UUID | None:
    """The subject of the customer signed in (a login's subject is its person's); None for
    visitors and staff."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_staff:
        return None
    subject_id = getattr(user, "subject_id", None)
    return subject_id if isinstance(subject_id, uuid.UUID) else None


def set_choice_cookie(response: HttpResponseBase, choice: str) -> None:
    """Remember the visitor's answer (strictly necessary: without it we would ask each time)."""
    if choice not in CookieChoice.values:
        raise ValueError(f"cookies: unknown choice {choice!r}")
    _set(response, CHOICE_COOKIE, choice, CHOICE_AGE)


def set_preference_cookie(
    request: HttpRequest, response: HttpResponseBase, *, name: str, value: str
) -> bool:
    """Set the preference cookie ``name`` if the visitor allows it; whether it was set."""
    cookie = declared(name)
    if cookie is None or cookie.necessary:
        raise ValueError(f"cookies: {name!r} is not a declared preference cookie")
    if not preferences_allowed(request):
        return False
    _set(response, name, value, cookie.max_age)
    return True


def _set(response: HttpResponseBase, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def forget_preferences(request: HttpRequest, response: HttpResponseBase) -> list[str]:
    """Remove every preference cookie the browser holds; the names removed."""
    held = [cookie.name for cookie in preference_cookies() if cookie.name in request.COOKIES]
    for name in held:
        response.delete_cookie(name, samesite="Lax")
    return held
