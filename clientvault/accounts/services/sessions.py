"""Signed-in sessions: tracked so a person can see and end them; idle and absolute timeouts.

The session itself (``accounts.sessionstore``: in the database, named by a digest of its key
and sealed under the key) holds three times, as Unix seconds:
``LOGIN_AT`` (when the password was accepted: the absolute cap ``SESSION_COOKIE_AGE`` counts
from it), ``SEEN_AT`` (last activity, written at most once a minute: the idle limit
``SESSION_IDLE_SECONDS`` counts from it) and ``REAUTH_AT`` (when the password was last typed:
sensitive changes ask for it again after five minutes). A ``UserSession`` row mirrors each
session for the security page, named by the same digest (never the key, which only the
browser's cookie holds); ending it deletes the stored session too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from clientvault.accounts.models import (
    ApiToken,
    ClientLogEvent,
    StoredSession,
    User,
    UserSession,
    session_key_digest,
)
from clientvault.accounts.services.clientlog import log_for_user, plural
from clientvault.accounts.services.tokens import revoke_all_api_tokens
from clientvault.privacy.actors import Actor
from clientvault.privacy.services.audit import record_event

LOGIN_AT = "cv_login_at"
SEEN_AT = "cv_seen_at"
REAUTH_AT = "cv_reauth_at"
TOUCH_EVERY = 60  # seconds: last activity is written at most this often
REAUTH_SECONDS = 5 * 60


class Expiry:
    IDLE = "idle"
    ABSOLUTE = "absolute"


def now_seconds() -> float:
    return time.time()


def session_digest(session: SessionBase) -> str | None:
    """How the database names this session (the digest of its key), or None before it is saved."""
    key = session.session_key
    return session_key_digest(key) if key else None


def track_new_key(*, old_key: str | None, session: SessionBase) -> None:
    """The session's key was just rotated (``cycle_key``): its ``UserSession`` row follows."""
    new = session_digest(session)
    if old_key and new:
        UserSession.objects.filter(key_digest=session_key_digest(old_key)).update(key_digest=new)


def mark_signed_in(session: SessionBase) -> None:
    now = now_seconds()
    session[LOGIN_AT] = session[SEEN_AT] = session[REAUTH_AT] = now


def mark_reauthenticated(session: SessionBase) -> None:
    session[REAUTH_AT] = now_seconds()


def recently_authenticated(session: SessionBase) -> bool:
    at = session.get(REAUTH_AT)
    return isinstance(at, int | float) and now_seconds() - at < REAUTH_SECONDS


def start_session(*, request: HttpRequest, user: User, ip_address: str, browser: str) -> None:
    """Track the request's (new) session; its key was just rotated by ``login``."""
    now = timezone.now()
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        key_digest=session_digest(request.session),
        defaults={
            "user": user,
            "subject": user.subject,
            "ip_address": ip_address,
            "browser": browser,
            "created_at": now,
            "last_seen_at": now,
        },
    )


def expiry(session: SessionBase, now: float) -> str | None:
    """Why the session is over (``Expiry.IDLE`` or ``Expiry.ABSOLUTE``), or None."""
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if isinstance(login_at, int | float) and now - login_at >= settings.SESSION_COOKIE_AGE:
        return Expiry.ABSOLUTE
    if isinstance(seen_at, int | float) and now - seen_at >= settings.SESSION_IDLE_SECONDS:
        return Expiry.IDLE
    return None


def touch_session(request: HttpRequest, now: float) -> None:
    """Note activity, at most once a minute (the session and its ``UserSession`` row)."""
    session = request.session
    if LOGIN_AT not in session:
        session[LOGIN_AT] = now  # a session begun without our sign-in page (tests, admin)
    seen_at = session.get(SEEN_AT)
    if isinstance(seen_at, int | float) and now - seen_at < TOUCH_EVERY:
        return
    session[SEEN_AT] = now
    digest = session_digest(session)
    if digest:
        UserSession.objects.filter(key_digest=digest).update(last_seen_at=timezone.now())


def expire_session(*, request: HttpRequest, reason: str) -> None:
    """End the request's session after a timeout; the caller logs the user out."""
    user = request.user
    digest = session_digest(request.session)
    with transaction.atomic():
        deleted, _ = UserSession.objects.filter(key_digest=digest).delete() if digest else (0, {})
        if isinstance(user, User):
            record_event(
                action="session.expired",
                actor=user,
                subject_id=user.subject_id,
                purpose="security",
                obj=user,
                details={"reason": reason, "tracked": bool(deleted)},
            )


def _delete_sessions(sessions: Any) -> int:
    digests = list(sessions.values_list("key_digest", flat=True))
    StoredSession.objects.filter(key_digest__in=digests).delete()
    sessions.delete()
    return len(digests)


def end_session(*, user_session: UserSession, actor: Actor) -> None:
    """End one session: its stored session (so its cookie no longer signs in) and its row."""
    with transaction.atomic():
        _delete_sessions(UserSession.objects.filter(pk=user_session.pk))
        record_event(
            action="session.ended",
            actor=actor,
            subject_id=user_session.subject_id,
            purpose="security",
            obj=user_session,
        )


def end_all_sessions(*, user: User, actor: Actor, keep: str | None = None) -> int:
    """End every session of ``user`` (but ``keep``, a session key, if given); how many ended."""
    sessions = UserSession.objects.filter(user=user)
    if keep:
        sessions = sessions.exclude(key_digest=session_key_digest(keep))
    with transaction.atomic():
        count = _delete_sessions(sessions)
        record_event(
            action="session.ended_all",
            actor=actor,
            subject_id=user.subject_id,
            purpose="security",
            obj=user,
            details={"count": count, "kept_current": bool(keep)},
        )
        if not keep:
            log_for_user(
                user=user,
                event=ClientLogEvent.LOGGED_OUT_EVERYWHERE,
                actor=actor,
                detail=f"{plural(count, 'session')} ended",
            )
    return count


@dataclass(frozen=True)
class Secured:
    """What securing a login ended: its sessions and its API tokens."""

    sessions_ended: int
    tokens_revoked: int


def sign_out_everywhere(
    *,
    user: User,
    actor: Actor,
    reason: str,
    keep: str | None = None,
    keep_token: ApiToken | None = None,
) -> Secured:
    """End every session of ``user`` and revoke every usable API token of the login.

    A token is as good as a session for the API, so whatever ends every session (signing out
    everywhere, a password reset or change, a report of unauthorised use) revokes the tokens
    too. ``keep`` (a session key) and ``keep_token`` are spared: the session changing the
    password, the token asking the API to sign out everywhere.
    """
    with transaction.atomic():
        ended = end_all_sessions(user=user, actor=actor, keep=keep)
        revoked = revoke_all_api_tokens(user=user, actor=actor, reason=reason, keep=keep_token)
    return Secured(sessions_ended=ended, tokens_revoked=revoked)
