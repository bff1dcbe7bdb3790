"""Sign-in pages: sign in and out, the second factor, password reset, confirming the password.

Every route that takes a secret is limited by :mod:`clientvault.accounts.throttle`: sign-in by
the lockout of a login from one address, an address-wide throttle and a per-login one across
addresses (which a browser known for the login, :mod:`clientvault.accounts.devices`, is spared);
the login is the one the typed username or e-mail address names, so both count alike. A
refusal is the same page with the same message and status (429) whether or not an account
matches; past the per-identifier limit of reset requests the usual answer is given and nothing
is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.models import Device

from clientvault.accounts import devices, throttle
from clientvault.accounts.forms.auth import (
    LOGIN_FAILED,
    CodeForm,
    EnrolForm,
    LoginForm,
    PasswordResetRequestForm,
    ReauthForm,
    SetPasswordForm,
)
from clientvault.accounts.forms_common import add_service_errors
from clientvault.accounts.models import RecoveryCodeDevice, User
from clientvault.accounts.reauth import reauth_required, with_next
from clientvault.accounts.services.auth import (
    complete_sign_in,
    find_login_user,
    record_failed_sign_in,
    record_failure,
    sign_in,
    sign_out,
)
from clientvault.accounts.services.clientlog import plural
from clientvault.accounts.services.confirmation import hold_unconfirmed_sign_in
from clientvault.accounts.services.reset import (
    request_password_reset,
    reset_password,
    user_from_link,
)
from clientvault.accounts.services.sessions import (
    Secured,
    mark_reauthenticated,
)
from clientvault.accounts.services.twofactor import (
    Step,
    confirm_totp,
    disable_two_factor,
    has_two_factor,
    new_totp_key,
    otpauth_uri,
    qr_svg,
    recovery_codes_left,
    regenerate_recovery_codes,
    second_factor_step,
    secret_text,
    totp_device,
    two_factor_required,
    verify_second_factor,
)

SETUP_KEY = "cv_totp_setup_key"
NEW_CODES = "cv_recovery_codes"
RESET_TOKEN = "cv_reset_token"
RESET_SET_PASSWORD = "set-password"  # the link's token moves into the session (no Referer leak)
RESET_SENT = (
    "If an account matches what you typed, we have sent a link to reset its password to the "
    "e-mail address on record. The link works once, for one hour."
)

# --- helpers --------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _home(user: User) -> str:
    """Where a signed-in user lands: the back office for staff, the dashboard for customers."""
    return reverse("accounts:staff_search" if user.is_staff else "accounts:dashboard")


def _next(request: HttpRequest, user: User | None = None) -> str:
    """The safe ``next`` page from the query or form, else the user's home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if target and safe:
        return target
    return _home(user) if user is not None else resolve_url(settings.LOGIN_REDIRECT_URL)


def throttled_page(
    request: HttpRequest, template: str, context: Mapping[str, Any], verdict: throttle.Verdict
) -> HttpResponse:
    """The throttled page: the form again, the wait named, status 429."""
    response = render(request, template, {**context, "refusal": verdict.message}, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


def secured_text(secured: Secured) -> str:
    """What securing the login ended, as sentences: " 2 sessions signed out." and so on."""
    parts = []
    if secured.sessions_ended:
        parts.append(f" {plural(secured.sessions_ended, 'session')} signed out.")
    if secured.tokens_revoked:
        parts.append(f" {plural(secured.tokens_revoked, 'API token')} revoked.")
    return "".join(parts)


@sensitive_post_parameters("password")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def reauth(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ReauthForm(user, request.POST or None)
    next_url = _next(request, user)
    context = {"form": form, "next": next_url}
    if request.method == "POST":
        checks = ((throttle.REAUTH_USER, str(user.pk)),)
        verdict = throttle.reserve(*checks)
        if not verdict.allowed:
            return throttled_page(request, "accounts/auth/reauth.html", context, verdict)
        if form.is_valid():
            throttle.release(*checks)
            mark_reauthenticated(request.session)
            return redirect(next_url)
        record_failure(request=request, user=user)
    return render(request, "accounts/auth/reauth.html", context)


# --- signing in and out ------------------------------------------------------------------------


def _after_password(request: HttpRequest, user: User, step: Step) -> HttpResponse:
    next_url = _next(request, user)
    if step is Step.VERIFY:
        return redirect(with_next("accounts:two_factor", next_url))
    if step is Step.ENROL:
        messages.info(request, "Your account needs two-step sign-in. Please set it up now.")
        return redirect(with_next("accounts:two_factor_setup", next_url))
    return devices.remember_device(redirect(next_url), user)  # the sign-in is complete


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt: the login it names (if any), its lockout pair and its rate limits."""

    user: User | None
    login: str  # throttle.login_key: the login's id, or the identifier as typed
    address: str
    checks: tuple[tuple[throttle.Rule, str], ...]

    @classmethod
    def of(cls, request: HttpRequest) -> Attempt:
        """The address, and the login or this browser's device cookie for it, as throttle keys."""
        typed = str(request.POST.get("username", ""))
        user = find_login_user(typed)
        login = throttle.login_key(user.pk if user else None, typed)
        address = throttle.client_ip(request)
        device = devices.known_device(request, user)
        who = (throttle.LOGIN_DEVICE, device) if device else (throttle.LOGIN_IDENTIFIER, login)
        return cls(user, login, address, ((throttle.LOGIN_IP, address), who))


@sensitive_post_parameters("password")
@sensitive_variables("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    if request.method != "POST":
        return render(request, "accounts/auth/login.html", context)
    attempt = Attempt.of(request)
    verdict = throttle.reserve(*attempt.checks)
    if not verdict.allowed:
        return throttled_page(request, "accounts/auth/login.html", context, verdict)
    if not form.is_valid():
        throttle.release(*attempt.checks)  # no password was tried
        return render(request, "accounts/auth/login.html", context)
    verdict = throttle.reserve_attempt(throttle.LOGIN_LOCKOUT, attempt.login, attempt.address)
    if not verdict.allowed:
        return throttled_page(request, "accounts/auth/login.html", context, verdict)
    return _check_password(request, form, context, attempt)


def _check_password(
    request: HttpRequest, form: LoginForm, context: dict[str, Any], attempt: Attempt
) -> HttpResponse:
    """The password itself: signed in, refused, or refused and locked (429, the wait named)."""
    identifier, password = form.cleaned_data["username"], form.cleaned_data["password"]
    user = authenticate(request, username=identifier, password=password)
    lockout = throttle.LOGIN_LOCKOUT
    if isinstance(user, User):
        throttle.release(*attempt.checks)
        throttle.forget_failures(lockout, attempt.login, attempt.address)
        if hold_unconfirmed_sign_in(request=request, user=user):  # its address awaits a link
            return redirect("accounts:email_unconfirmed")
        return _after_password(request, user, sign_in(request=request, user=user).step)
    locked = throttle.lock_after_failure(lockout, attempt.login, attempt.address)
    record_failed_sign_in(request=request, user=attempt.user, locked=not locked.allowed)
    if not locked.allowed:
        return throttled_page(request, "accounts/auth/login.html", context, locked)
    form.add_error(None, LOGIN_FAILED)
    return render(request, "accounts/auth/login.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    """Signing out is a POST, with its CSRF token; a GET shows the page with the button."""
    if request.method != "POST":
        return render(request, "accounts/auth/logout.html", {})
    if request.user.is_authenticated:
        sign_out(request=request)
        messages.success(request, "You have signed out.")
    return redirect("accounts:login")


# --- second factor -----------------------------------------------------------------------------


def _is_verified(user: User) -> bool:
    verified = getattr(user, "is_verified", None)
    return bool(verified and verified())


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """The code step of signing in (also where staff pages send an unverified session)."""
    user = _user(request)
    next_url = _next(request, user)
    step = second_factor_step(user)
    if _is_verified(user) or step is Step.NONE:
        return redirect(next_url)
    if step is Step.ENROL:
        return redirect(with_next("accounts:two_factor_setup", next_url))
    form = CodeForm(request.POST or None)
    context = {"form": form, "next": next_url}
    if request.method == "POST":
        return _verify_code(request, user, form, context)
    return render(request, "accounts/auth/two_factor.html", context)


def _verify_code(
    request: HttpRequest, user: User, form: CodeForm, context: dict[str, Any]
) -> HttpResponse:
    checks = (
        (throttle.TWO_FACTOR_USER, str(user.pk)),
        (throttle.TWO_FACTOR_IP, throttle.client_ip(request)),
    )
    verdict = throttle.reserve(*checks)
    if not verdict.allowed:
        return throttled_page(request, "accounts/auth/two_factor.html", context, verdict)
    if not form.is_valid():
        throttle.release(*checks)  # no code was tried
        return render(request, "accounts/auth/two_factor.html", context)
    device = verify_second_factor(user=user, code=form.cleaned_data["code"])
    if device is None:
        record_failure(request=request, user=user)
        form.add_error("code", "Code: that code is not right, or it has been used already.")
        return render(request, "accounts/auth/two_factor.html", context)
    throttle.release(*checks)
    throttle.clear(throttle.TWO_FACTOR_USER, str(user.pk))  # its earlier failures too
    return _code_accepted(request, user, device, context["next"])


def _code_accepted(request: HttpRequest, user: User, device: Device, next_url: str) -> HttpResponse:
    """The sign-in is complete: a new session key, and this browser known for the login."""
    otp_login(request, device)
    complete_sign_in(request=request, user=user)
    _warn_about_recovery_codes(request, user, used=isinstance(device, RecoveryCodeDevice))
    return devices.remember_device(redirect(next_url), user)


def _warn_about_recovery_codes(request: HttpRequest, user: User, *, used: bool) -> None:
    if not used:
        return
    left = recovery_codes_left(user)
    messages.warning(
        request,
        f"You used a recovery code; {left} left. You can make new ones on the security page.",
    )


@sensitive_post_parameters("code")
@never_cache
@login_required
@reauth_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan or type the secret, then confirm with a code.

    A session that still owes its second factor (any confirmed device, recovery codes too) never
    gets here: the session middleware sends it to give the code first.
    """
    user = _user(request)
    if has_two_factor(user):
        messages.info(request, "Two-step sign-in is already on.")
        return redirect("accounts:security")
    key = request.session.get(SETUP_KEY) or new_totp_key()
    request.session[SETUP_KEY] = key
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pending = second_factor_step(user) is Step.ENROL
        try:
            codes = confirm_totp(user=user, key=key, code=form.cleaned_data["code"], actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _enrolled(request, user, codes, pending=pending)
    uri = otpauth_uri(key=key, user=user)
    context = {
        "form": form,
        "next": _next(request, user),
        "uri": uri,
        "secret": secret_text(key),
        "qr": qr_svg(uri),
    }
    return render(request, "accounts/auth/two_factor_setup.html", context)


def _enrolled(request: HttpRequest, user: User, codes: list[str], *, pending: bool) -> HttpResponse:
    request.session.pop(SETUP_KEY, None)
    otp_login(request, totp_device(user))
    if pending:
        complete_sign_in(request=request, user=user)
    request.session[NEW_CODES] = codes
    messages.success(request, "Two-step sign-in is on.")
    response = redirect(with_next("accounts:recovery_codes", _next(request, user)))
    return devices.remember_device(response, user) if pending else response


@never_cache
@login_required
@require_http_methods(["GET"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once; afterwards only how many are left."""
    user = _user(request)
    codes = request.session.pop(NEW_CODES, None)
    context = {
        "codes": codes,
        "left": recovery_codes_left(user),
        "enabled": has_two_factor(user),
        "next": _next(request, user),
    }
    return render(request, "accounts/auth/recovery_codes.html", context)


@never_cache
@login_required
@reauth_required
@require_http_methods(["GET", "POST"])
def recovery_codes_renew(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        try:
            codes = regenerate_recovery_codes(user=user, actor=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("accounts:security")
        request.session[NEW_CODES] = codes
        messages.success(request, "New recovery codes are ready; the old ones no longer work.")
        return redirect("accounts:recovery_codes")
    return render(request, "accounts/auth/recovery_codes_renew.html", {})


@never_cache
@login_required
@reauth_required
@require_http_methods(["GET", "POST"])
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        try:
            disable_two_factor(user=user, actor=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Two-step sign-in is off.")
        return redirect("accounts:security")
    context = {"required": two_factor_required(user), "enabled": has_two_factor(user)}
    return render(request, "accounts/auth/two_factor_disable.html", context)


# --- password reset ----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link; the answer is the same whether or not an account matches.

    Too many requests from one address are refused (429). Too many for one identifier are not:
    the page answers as usual and nothing is sent, so whoever uses up an identifier's requests
    neither blocks its owner's page nor learns whether the identifier has an account.
    """
    form = PasswordResetRequestForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        verdict = throttle.reserve((throttle.RESET_REQUEST_IP, throttle.client_ip(request)))
        if not verdict.allowed:
            return throttled_page(request, "accounts/auth/password_reset.html", context, verdict)
        identifier = form.cleaned_data["identifier"]
        typed = throttle.normalise_identifier(identifier)
        if throttle.reserve((throttle.RESET_REQUEST_IDENTIFIER, typed)).allowed:
            request_password_reset(identifier=identifier)
        return redirect("accounts:password_reset_done")
    return render(request, "accounts/auth/password_reset.html", context)


@require_http_methods(["GET"])
def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/auth/password_reset_done.html", {"sent": RESET_SENT})


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Open a reset link: the token moves into the session, then the new password is set.

    Only links that do not work count against the address: a working one gives its slot back.
    """
    checks = ((throttle.RESET_CONFIRM_IP, throttle.client_ip(request)),)
    verdict = throttle.reserve(*checks)
    if not verdict.allowed:
        return throttled_page(request, "accounts/auth/password_reset_invalid.html", {}, verdict)
    opening = token != RESET_SET_PASSWORD
    user = user_from_link(uidb64, token if opening else str(request.session.get(RESET_TOKEN, "")))
    if user is None:
        return render(request, "accounts/auth/password_reset_invalid.html", {})
    throttle.release(*checks)
    if opening:
        request.session[RESET_TOKEN] = token
        return redirect("accounts:password_reset_confirm", uidb64, RESET_SET_PASSWORD)
    return _set_password(request, user)


@sensitive_variables("password")
def _set_password(request: HttpRequest, user: User) -> HttpResponse:
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            secured = reset_password(user=user, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session.pop(RESET_TOKEN, None)
            done = secured_text(secured)
            messages.success(request, f"Your password is changed.{done} Please sign in with it.")
            return redirect("accounts:login")
    return render(request, "accounts/auth/password_reset_confirm.html", {"form": form})
