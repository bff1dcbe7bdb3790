"""Known-device cookies: others' wrong guesses must not lock the owner of a login out.

Why: the per-identifier sign-in limit (``throttle.LOGIN_IDENTIFIER``) counts every failed
attempt on one typed username or address from anywhere, so that a guesser spread over many
addresses gets few tries. Counted alone it would let anyone lock a known customer out: enough
wrong passwords from anywhere and the real owner is refused too, even with the right password.

The answer is OWASP's "device cookie" approach. After a complete sign-in (the password, and
the second factor when one is owed) the browser gets a cookie naming that login. An attempt
carrying a valid device cookie for the login the typed identifier names is neither counted
against nor refused by ``LOGIN_IDENTIFIER``: it is counted under ``LOGIN_DEVICE``, keyed on
the cookie itself, so a stolen cookie still gets only so many tries. The lockout of a login from
one address (``LOGIN_LOCKOUT``) and the per-address ``LOGIN_IP`` apply as before, and the
password is needed as always. Browsers without a valid cookie are treated exactly alike whether
or not the name they type exists.

The cookie: ``cv_device`` (``CLIENTVAULT_DEVICE_COOKIE_NAME``), signed with
``django.core.signing`` under its own salt (with a timestamp: it is refused after
``CLIENTVAULT_DEVICE_COOKIE_AGE`` seconds, 180 days), HttpOnly, SameSite=Lax, and Secure
whenever the session cookie is (in production). It holds a keyed hash of the login's id, not the
id, and nothing else. It is a strictly necessary security cookie: it is set only after a
sign-in the person asked for and serves only to protect that sign-in, so it needs no consent.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare, salted_hmac

from clientvault.accounts.models import User

SALT = "clientvault.accounts.devices"


def _login_digest(user: User) -> str:
    return salted_hmac(SALT, str(user.pk), algorithm="sha256").hexdigest()


def remember_device(response: HttpResponse, user: User) -> HttpResponse:
    """Set the cookie naming ``user`` on ``response`` (after a complete sign-in)."""
    response.set_signed_cookie(
        settings.CLIENTVAULT_DEVICE_COOKIE_NAME,
        _login_digest(user),
        salt=SALT,
        max_age=settings.CLIENTVAULT_DEVICE_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _cookie(request: HttpRequest) -> str:
    """The cookie's value if its signature and age are good, else ""."""
    value = request.get_signed_cookie(
        settings.CLIENTVAULT_DEVICE_COOKIE_NAME,
        default="",
        salt=SALT,
        max_age=settings.CLIENTVAULT_DEVICE_COOKIE_AGE,
    )
    return str(value or "")


def known_device(request: HttpRequest, user: User | None) -> str:
    """The device cookie's signed text when it names ``user`` (the login typed), else "".

    The text returned keys ``LOGIN_DEVICE``.
    """
    digest = _cookie(request)
    if not digest or user is None or not constant_time_compare(digest, _login_digest(user)):
        return ""
    return str(request.COOKIES[settings.CLIENTVAULT_DEVICE_COOKIE_NAME])
