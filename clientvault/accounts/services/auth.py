"""Signing in and out (SEC-2): finding a login by username or e-mail, login history, sessions.

A sign-in happens in two steps when a second factor is due: the password step logs the user in
(Django rotates the session key) and the session stays "unverified" until the code is given;
the middleware lets an unverified session reach only the sign-in pages. The login history
(``LoginEvent``) records the time, the IP address and a browser summary, both sealed in the
vault for the login's subject; every login has one (:func:`ensure_subject`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import login, logout
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ua_parser import parse_os, parse_user_agent

from clientvault.accounts.models import (
    ClientLogEvent,
    CustomerStatus,
    LoginEvent,
    LoginOutcome,
    User,
    UserSession,
)
from clientvault.accounts.services.clientlog import log_for_user, on_record, person_of
from clientvault.accounts.services.customers import find_person_by_email
from clientvault.accounts.services.sessions import (
    mark_signed_in,
    session_digest,
    start_session,
    track_new_key,
)
from clientvault.accounts.services.subjects import ensure_subject
from clientvault.accounts.services.twofactor import Step, second_factor_step
from clientvault.accounts.throttle import client_ip
from clientvault.privacy.fields import lookup
from clientvault.privacy.services.audit import record_event

PASSWORD_MAX_LENGTH = 256
IDENTIFIER_MAX_LENGTH = 254
USER_AGENT_MAX_LENGTH = 512


class MaximumLengthValidator:
    """Passwords up to 256 characters are accepted; longer ones are refused, saying so."""

    def __init__(self, max_length: int = PASSWORD_MAX_LENGTH) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: object = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"This password is too long: it may have at most {self.max_length} characters.",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"Your password may have up to {self.max_length} characters."


# --- finding the login -----------------------------------------------------------------------


def find_login_user(identifier: str) -> User | None:
    """The login a username (any case) or e-mail address names, or None."""
    text = identifier.strip()
    if not text or len(text) > IDENTIFIER_MAX_LENGTH:
        return None
    user = _by_username(text)
    if user is None and "@" in text:
        user = _by_email(text)
    return user


def _by_username(text: str) -> User | None:
    users = list(User.objects.filter(username__iexact=text)[:2])
    if len(users) == 1:
        return users[0]
    return next((u for u in users if u.username == text), None)


def _by_email(text: str) -> User | None:
    person = find_person_by_email(text)
    if person is not None:
        return person.user
    return User.objects.filter(is_staff=True, **lookup(User, "email_index", text)).first()


def is_erased(user: User) -> bool:
    """Whether the login's subject was erased (its data, history included, can no longer be
    sealed or read)."""
    subject = user.subject if user.subject_id is not None else None
    return subject is not None and subject.erased_at is not None


def may_sign_in(user: User) -> bool:
    """Active logins may sign in, except the people of a closed account."""
    person = person_of(user)
    return user.is_active and (person is None or person.customer.status != CustomerStatus.CLOSED)


def email_on_record(user: User) -> str:
    """The address a login's mail goes to: the person's e-mail, or a staff login's own."""
    person = person_of(user)
    return on_record(person.email if person is not None else user.email)


def set_new_password(user: User, password: str) -> None:
    """Validate ``password`` for ``user`` (errors on ``new_password1``) and store its hash.

    The caller's transaction also ends the sessions and tokens the old password opened.
    """
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"new_password1": error.messages}) from None
    user.set_password(password)
    user.save(update_fields=["password"])


def browser_summary(user_agent: str) -> str:
    """ "Firefox 128 on Linux" from a User-Agent header; "Unknown browser" when unrecognised."""
    text = user_agent[:USER_AGENT_MAX_LENGTH]
    agent, system = parse_user_agent(text), parse_os(text)
    name = f"{agent.family} {agent.major or ''}".strip() if agent else "Unknown browser"
    return f"{name} on {system.family}" if system else name


def _request_device(request: HttpRequest) -> tuple[str, str]:
    return client_ip(request), browser_summary(request.META.get("HTTP_USER_AGENT", ""))


# --- signing in -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignIn:
    user: User
    step: Step  # what is still due: nothing, a code, or enrolling a second factor


def record_login_event(*, request: HttpRequest, user: User, outcome: str) -> LoginEvent:
    subject = ensure_subject(user)
    ip_address, browser = _request_device(request)
    event = LoginEvent(
        user=user,
        subject=subject,
        at=timezone.now(),
        outcome=outcome,
        ip_address=ip_address,
        browser=browser,
    )
    event.save()
    return event


def sign_in(*, request: HttpRequest, user: User) -> SignIn:
    """Log ``user`` in after a correct password (new session key) and track the session."""
    ensure_subject(user)
    step = second_factor_step(user)
    with transaction.atomic():
        login(request, user)  # rotates the session key
        mark_signed_in(request.session)
        ip_address, browser = _request_device(request)
        start_session(request=request, user=user, ip_address=ip_address, browser=browser)
        if step is Step.NONE:
            _record_success(request, user, second_factor=False)
        else:
            record_event(
                action="auth.password_accepted",
                actor=user,
                subject_id=user.subject_id,
                purpose="security",
                obj=user,
            )
    return SignIn(user=user, step=step)


def complete_sign_in(*, request: HttpRequest, user: User) -> None:
    """The second factor was given: the sign-in is complete, under a new session key."""
    old_key = request.session.session_key
    with transaction.atomic():
        request.session.cycle_key()
        track_new_key(old_key=old_key, session=request.session)
        _record_success(request, user, second_factor=True)


def _record_success(request: HttpRequest, user: User, *, second_factor: bool) -> None:
    record_login_event(request=request, user=user, outcome=LoginOutcome.SUCCESS)
    log_for_user(user=user, event=ClientLogEvent.LOGGED_IN, actor=user)
    record_event(
        action="auth.signed_in",
        actor=user,
        subject_id=user.subject_id,
        purpose="security",
        obj=user,
        details={"second_factor": second_factor},
    )


def record_failed_sign_in(*, request: HttpRequest, user: User | None, locked: bool) -> None:
    """A refused password (``locked``: the one that locked the login out from this address):
    history for the login the identifier named, if any. An erased login has none to keep."""
    if user is None or is_erased(user):
        return
    outcome = LoginOutcome.LOCKED if locked else LoginOutcome.FAILURE
    record_failure(request=request, user=user, outcome=outcome)


def record_failure(
    *, request: HttpRequest, user: User, outcome: str = LoginOutcome.FAILURE
) -> None:
    """A wrong password, code or locked-out attempt for a known login, in its history."""
    with transaction.atomic():
        record_login_event(request=request, user=user, outcome=outcome)
        log_for_user(user=user, event=ClientLogEvent.LOGIN_FAILED, actor=None)
        record_event(
            action="auth.sign_in_failed",
            actor=None,
            subject_id=user.subject_id,
            purpose="security",
            obj=user,
            details={"outcome": outcome},
        )


def sign_out(*, request: HttpRequest) -> None:
    """End the request's session (its row too) and log out."""
    user = request.user
    digest = session_digest(request.session)
    with transaction.atomic():
        if digest:
            UserSession.objects.filter(key_digest=digest).delete()
        if isinstance(user, User):
            record_event(action="auth.signed_out", actor=user, subject_id=user.subject_id, obj=user)
    logout(request)
