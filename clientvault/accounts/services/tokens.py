"""Personal API tokens: created and shown once, stored as a digest, revocable, expiring.

A token reads ``cv_<prefix>_<secret>``. The prefix is public: it names the token in lists and
audit entries without revealing it. Only the SHA-256 digest of the whole token is stored. A slow
password hash (argon2) is not needed here: the secret is 256 random bits, not a human choice, so
guessing it from its digest is as hard as guessing it outright, and a fast hash keeps every API
request cheap.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from clientvault.accounts.models import ApiToken, ClientLogEvent, User
from clientvault.accounts.services.clientlog import log_for_user, plural
from clientvault.privacy.actors import Actor, SystemActor, actor_roles
from clientvault.privacy.services.audit import record_event

TOKEN_SCHEME = "cv"
PREFIX_LENGTH = 10
SECRET_BYTES = 32
MAX_TOKEN_LENGTH = 128
NAME_MAX_LENGTH = 64
MAX_EXPIRY_DAYS = 365
LAST_USED_RESOLUTION = timedelta(minutes=1)
_PREFIX_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_token_text() -> tuple[str, str]:
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    return prefix, f"{TOKEN_SCHEME}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"


def _clean_name(name: str) -> str:
    cleaned = name.strip()
    if not 1 <= len(cleaned) <= NAME_MAX_LENGTH:
        raise ValidationError(
            {"name": f"name must be 1 to {NAME_MAX_LENGTH} characters long"}, code="invalid"
        )
    return cleaned


def _clean_expiry(expires_in_days: int) -> int:
    valid = isinstance(expires_in_days, int) and not isinstance(expires_in_days, bool)
    if not valid or not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        message = f"expires_in_days must be a whole number from 1 to {MAX_EXPIRY_DAYS}"
        raise ValidationError({"expires_in_days": message}, code="invalid")
    return expires_in_days


def create_api_token(*, user: User, name: str, expires_in_days: int = 90) -> tuple[ApiToken, str]:
    """A new token for ``user``; the plaintext is returned here once and never stored."""
    name, days = _clean_name(name), _clean_expiry(expires_in_days)
    prefix, raw = _new_token_text()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=prefix,
            digest=_digest(raw),
            expires_at=timezone.now() + timedelta(days=days),
        )
        _audit("api_token.created", token, actor=user)
    return token, raw


def revoke_api_token(*, token: ApiToken, actor: Actor) -> ApiToken:
    """Revoke a token (its owner, an administrator or the system may). Revoking twice is a no-op."""
    if not _may_revoke(token, actor):
        raise PermissionDenied("only the token's owner or an administrator may revoke it")
    with transaction.atomic():
        return _revoke(token, actor)


def _revoke(token: ApiToken, actor: Actor) -> ApiToken:
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    return _revoke_locked(token, actor)


def _revoke_locked(token: ApiToken, actor: Actor) -> ApiToken:
    """Revoke a token whose row this transaction holds locked (and audit it)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _audit("api_token.revoked", token, actor=actor)
    return token


def revoke_all_api_tokens(
    *, user: User, actor: Actor, reason: str, keep: ApiToken | None = None
) -> int:
    """Revoke every usable token of ``user`` but ``keep`` (each audited, one client-log entry).

    For when the login may be in someone else's hands (a report of unauthorised use, a password
    reset or change, signing out everywhere): a token made from a stolen session must not
    outlive it. ``reason`` ends the client-log line, e.g. "password reset". How many were
    revoked. The rows are locked in one query, then revoked one by one.
    """
    open_tokens = ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    if keep is not None:
        open_tokens = open_tokens.exclude(pk=keep.pk)
    with transaction.atomic():
        locked = list(open_tokens.select_for_update().order_by("pk"))
        for token in locked:
            token.user = user
            _revoke_locked(token, actor)
        if locked:
            detail = f"{plural(len(locked), 'token')} revoked: {reason}"
            log_for_user(
                user=user, event=ClientLogEvent.API_TOKEN_REVOKED, actor=actor, detail=detail
            )
    return len(locked)


def _may_revoke(token: ApiToken, actor: Actor) -> bool:
    if isinstance(actor, SystemActor):
        return True
    return actor.pk == token.user_id or "administrator" in actor_roles(actor)


def _audit(action: str, token: ApiToken, *, actor: Actor) -> None:
    details = {"prefix": token.prefix, "expires_at": token.expires_at.isoformat()}
    record_event(
        action=action, actor=actor, subject_id=token.user.subject_id, obj=token, details=details
    )


def find_api_token(raw: str) -> ApiToken | None:
    """The usable token ``raw`` stands for (with its user loaded), or None.

    Unknown, malformed, revoked and expired tokens, and tokens of inactive users, all give None.
    The lookup compares SHA-256 digests, never the secret itself, so any timing difference of
    the database's comparison tells an attacker about a digest, which does not help them forge a
    token. ``last_used_at`` is written at most once a minute, not on every request.
    """
    if not _looks_like_token(raw):
        return None
    token = ApiToken.objects.usable().select_related("user").filter(digest=_digest(raw)).first()
    if token is not None:
        _touch(token)
    return token


def authenticate_api_token(raw: str) -> User | None:
    """The active user a usable token belongs to, or None."""
    token = find_api_token(raw)
    return token.user if token is not None else None


def _looks_like_token(raw: str) -> bool:
    parts = raw.split("_", 2)
    return (
        len(raw) <= MAX_TOKEN_LENGTH
        and len(parts) == 3
        and parts[0] == TOKEN_SCHEME
        and len(parts[1]) == PREFIX_LENGTH
        and bool(parts[2])
    )


def _touch(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
