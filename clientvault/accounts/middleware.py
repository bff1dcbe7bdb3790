"""Session security on every request: idle and absolute timeouts, and the second-factor gate.

- A session idle for ``SESSION_IDLE_SECONDS`` or older than ``SESSION_COOKIE_AGE`` (counted from
  the sign-in, not from the last request) is ended: the user is logged out and sent to the
  sign-in page with a message saying why.
- A session that passed the password but still owes its second factor (or, when one is
  mandatory, its enrolment) reaches only the sign-in pages; everything else redirects there.
  Enrolling an authenticator is one of them only for a login that owes enrolment (it has no
  device yet): a login that has one, recovery codes included, must give a code first, so a
  password alone is never enough to put a new authenticator on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from clientvault.accounts.models import User
from clientvault.accounts.services.sessions import (
    Expiry,
    expire_session,
    expiry,
    now_seconds,
    touch_session,
)
from clientvault.accounts.services.twofactor import Step, second_factor_step

# Pages an unverified session may reach (besides static files, served before this runs).
OPEN_VIEWS = frozenset(
    f"accounts:{name}"
    for name in (
        "login",
        "logout",
        "two_factor",
        "recovery_codes",
        "reauth",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
    )
) | frozenset({"privacy:policy", "privacy:versions", "privacy:version", "healthz"})
# Where a login that owes enrolment enrols; open to such a login only.
ENROL_VIEW = "accounts:two_factor_setup"

EXPIRY_MESSAGES = {
    Expiry.IDLE: "You were signed out after {minutes} minutes without activity. "
    "Please sign in again.",
    Expiry.ABSOLUTE: "You were signed out because your session reached its {hours}-hour limit. "
    "Please sign in again.",
}


def _signed_in(request: HttpRequest) -> User | None:
    user = getattr(request, "user", None)
    return user if isinstance(user, User) and user.is_authenticated else None


def _login_redirect(request: HttpRequest, view: str = "accounts:login") -> HttpResponse:
    query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
    return HttpResponseRedirect(reverse(view) + (f"?{query}" if query else ""))


class SessionSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _signed_in(request) is not None:
            now = now_seconds()
            reason = expiry(request.session, now)
            if reason is not None:
                return self._expire(request, reason)
            touch_session(request, now)
        return self.get_response(request)

    def _expire(self, request: HttpRequest, reason: str) -> HttpResponse:
        expire_session(request=request, reason=reason)
        logout(request)
        text = EXPIRY_MESSAGES[reason].format(
            minutes=settings.SESSION_IDLE_SECONDS // 60, hours=settings.SESSION_COOKIE_AGE // 3600
        )
        messages.info(request, text)
        return _login_redirect(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = _signed_in(request)
        if user is None or _is_verified(user):
            return None
        match = request.resolver_match
        name = match.view_name if match is not None else ""
        if name in OPEN_VIEWS:
            return None
        step = second_factor_step(user)
        if step is Step.NONE or (step is Step.ENROL and name == ENROL_VIEW):
            return None
        target = "accounts:two_factor" if step is Step.VERIFY else ENROL_VIEW
        return _login_redirect(request, target)


def _is_verified(user: User) -> bool:
    verified = getattr(user, "is_verified", None)
    return bool(verified and verified())
