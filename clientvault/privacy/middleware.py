"""The cookie promise of COL-8, kept on every answer whatever the view did.

:class:`CookiePolicyMiddleware` stands first in ``MIDDLEWARE``, so it sees each answer last,
after the session, CSRF and messages middleware have added their cookies. On each answer it

- lets through only declared cookies (``clientvault.privacy.cookies.registry``), and a
  preference cookie only for a browser that accepted preference cookies and sends no Global
  Privacy Control; any other ``Set-Cookie`` is dropped and logged by name, or, with
  ``CLIENTVAULT_COOKIE_VIOLATIONS = "raise"`` (the tests), noted in :data:`violations` and
  raised as :class:`CookieViolation`, so the test that caused it fails. Removing a cookie is
  always let through: it sets nothing;
- removes the preference cookies a browser still holds once they are no longer allowed (the
  visitor refused them, or turned Global Privacy Control on);
- records, for a signed-in customer whose browser sends ``Sec-GPC: 1``, the refusals the signal
  makes in the consent ledger (``services.cookies.honour_gpc``: once, not on every request).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http.cookies import Morsel
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from clientvault.privacy.cookies import (
    CHOICE_COOKIE,
    CookieState,
    cookie_state,
    declared,
    forget_preferences,
    signed_in_customer,
)
from clientvault.privacy.services.cookies import honour_gpc

logger = logging.getLogger(__name__)
# Each cookie refused while CLIENTVAULT_COOKIE_VIOLATIONS is "raise"; tests/conftest.py fails
# the test that caused one (the browser tests' live server answers in another thread).
violations: list[str] = []
_EPOCH = "Thu, 01 Jan 1970 00:00:00 GMT"


class CookieViolation(RuntimeError):
    """An answer tried to set an undeclared cookie, or a preference cookie without consent."""


def is_removal(morsel: Morsel[Any]) -> bool:
    """Whether a ``Set-Cookie`` removes its cookie (``delete_cookie``) rather than setting it."""
    return str(morsel["max-age"]) == "0" or morsel["expires"] == _EPOCH


def state_after(request: HttpRequest, response: HttpResponseBase) -> CookieState:
    """The browser's state once it has this answer: a choice the answer sets counts."""
    state = cookie_state(request)
    morsel = response.cookies.get(CHOICE_COOKIE)
    if morsel is None or is_removal(morsel):
        return state
    return CookieState(choice=morsel.value, gpc=state.gpc)


def refused_cookies(state: CookieState, response: HttpResponseBase) -> list[str]:
    """Remove from the answer each cookie the policy does not allow; what was wrong with each."""
    refused = []
    for name, morsel in list(response.cookies.items()):
        if is_removal(morsel):
            continue
        cookie = declared(name)
        if cookie is None:
            refused.append(f"{name}: a cookie that is not declared in the cookie registry")
        elif not cookie.necessary and not state.preferences_allowed:
            refused.append(f"{name}: a preference cookie without the visitor's consent")
        else:
            continue
        del response.cookies[name]
    return refused


def _report(refused: list[str]) -> None:
    if settings.CLIENTVAULT_COOKIE_VIOLATIONS == "raise":
        violations.extend(refused)
        raise CookieViolation("; ".join(refused))
    for problem in refused:
        logger.warning("cookie dropped: %s", problem)


class CookiePolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        state = state_after(request, response)
        refused = refused_cookies(state, response)
        if refused:
            _report(refused)
        if not state.preferences_allowed:
            forget_preferences(request, response)
        subject_id = signed_in_customer(request) if state.gpc else None
        if subject_id is not None:
            honour_gpc(subject_id=subject_id, actor=request.user)  # type: ignore[arg-type]
        return response
