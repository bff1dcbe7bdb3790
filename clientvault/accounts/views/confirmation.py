"""Confirming an e-mail address by its link; a sign-in held for want of a confirmed address.

Opening a link moves its token into the session and redirects to a page without it, as the
password-reset link does, so the token never leaks through a Referer header. Confirming is a
button (a POST): a mail scanner that opens the link confirms nothing. Links that do not work
count against the IP address; one that works gives its count back.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from clientvault.accounts import throttle
from clientvault.accounts.models import ConfirmationPurpose
from clientvault.accounts.services.confirmation import (
    LINK_VALID,
    confirm_email,
    find_confirmation,
    held_login,
    resend_signup_confirmation,
)
from clientvault.accounts.views.auth import throttled_page
from clientvault.privacy.profile import current_profile

CONFIRM_TOKEN = "cv_confirm_token"
CONFIRM_LINK_IP = throttle.Rule("email-confirm-ip", 10)  # links that do not work, per address
RESEND = throttle.Rule("email-confirm-resend", 3, window=3600)  # new links per login
INVALID_PAGE = "accounts/auth/email_confirm_invalid.html"
UNCONFIRMED_PAGE = "accounts/auth/email_unconfirmed.html"
HOURS = int(LINK_VALID.total_seconds() // 3600)


def _no_referrer(response: HttpResponse) -> HttpResponse:
    """A page whose URL holds the token: no Referer to other sites (same-origin, for CSRF)."""
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@never_cache
@require_safe
def email_confirm_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the message: its token goes into the session, then to the page to confirm."""
    checks = ((CONFIRM_LINK_IP, throttle.client_ip(request)),)
    verdict = throttle.reserve(*checks)
    if not verdict.allowed:
        return _no_referrer(throttled_page(request, INVALID_PAGE, {"hours": HOURS}, verdict))
    if find_confirmation(token) is None:
        return _no_referrer(render(request, INVALID_PAGE, {"hours": HOURS}))
    throttle.release(*checks)
    request.session[CONFIRM_TOKEN] = token
    return redirect("accounts:email_confirm")


@never_cache
@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest) -> HttpResponse:
    """The address the link is for, and the button that confirms it."""
    token = str(request.session.get(CONFIRM_TOKEN, ""))
    confirmation = find_confirmation(token)
    if confirmation is None:
        return render(request, INVALID_PAGE, {"hours": HOURS})
    if request.method == "POST":
        return _confirm(request, token)
    context = {
        "address": confirmation.email,
        "signup": confirmation.purpose == ConfirmationPurpose.SIGNUP,
    }
    return render(request, "accounts/auth/email_confirm.html", context)


def _confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        confirmation = confirm_email(token=token)
    except ValidationError as error:
        request.session.pop(CONFIRM_TOKEN, None)
        context = {"hours": HOURS, "problem": " ".join(error.messages)}
        return render(request, INVALID_PAGE, context)
    request.session.pop(CONFIRM_TOKEN, None)
    if confirmation.purpose == ConfirmationPurpose.SIGNUP:
        messages.success(request, "Your e-mail address is confirmed. You can sign in now.")
        return redirect("accounts:login")
    messages.success(request, "The new e-mail address is confirmed and in use from now on.")
    signed_in = request.user.is_authenticated and request.user.pk == confirmation.person.user_id
    return redirect("accounts:profile" if signed_in else "accounts:login")


@never_cache
@require_http_methods(["GET", "POST"])
def email_unconfirmed(request: HttpRequest) -> HttpResponse:
    """After the right password for a login whose address awaits its link: say so, and send a
    new link on request. Only a session that gave the password gets here."""
    user = held_login(request)
    if user is None:
        return redirect("accounts:login")
    context = {"hours": HOURS, "days": current_profile().retention["unconfirmed_signups"]}
    if request.method == "POST":
        verdict = throttle.reserve((RESEND, str(user.pk)))
        if not verdict.allowed:
            return throttled_page(request, UNCONFIRMED_PAGE, context, verdict)
        if not resend_signup_confirmation(user=user):
            messages.info(request, "Your e-mail address is confirmed already: please sign in.")
            return redirect("accounts:login")
        return redirect("accounts:signup_sent")
    return render(request, UNCONFIRMED_PAGE, context)
