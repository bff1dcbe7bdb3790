"""Display preferences: larger text, the one preference cookie (``cv_text``, COL-8).

The choice is remembered only in a preference cookie, so only for a visitor who accepted
preference cookies and whose browser sends no Global Privacy Control; without that, the switch
is not offered and a stale cookie is ignored (the cookie middleware removes it).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from clientvault.privacy.cookies import (
    TEXT_SIZE_COOKIE,
    preferences_allowed,
    set_preference_cookie,
)

LARGE = "large"
STANDARD = "standard"
NEEDS_CONSENT = (
    "Larger text is remembered in a preference cookie, which you have not accepted: nothing "
    "was changed."
)


def text_large(request: HttpRequest) -> bool:
    """Whether to show this visitor's pages in larger text."""
    return preferences_allowed(request) and request.COOKIES.get(TEXT_SIZE_COOKIE) == LARGE


def back_to(request: HttpRequest, target: str) -> str:
    """``target`` if it is a page of this site, else the home page."""
    ours = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if ours and target.startswith("/") else reverse("home")


def remember_text_size(request: HttpRequest, size: str, target: str) -> HttpResponse:
    """Back to ``target`` with larger text remembered, if preference cookies are allowed; the
    standard size needs no cookie (any is removed)."""
    response = redirect(back_to(request, target))
    if size == STANDARD:
        response.delete_cookie(TEXT_SIZE_COOKIE, samesite="Lax")
    elif not set_preference_cookie(request, response, name=TEXT_SIZE_COOKIE, value=LARGE):
        messages.error(request, NEEDS_CONSENT)
    return response
