"""Password reset (CTL-2): a single-use link, valid one hour, to the e-mail on record only.

The link's token is Django's ``PasswordResetTokenGenerator`` (:class:`ResetTokens`): it hashes
the login's current password, last sign-in and e-mail address on record, so it stops working
once used (the password changes), when the address changes and after
``PASSWORD_RESET_TIMEOUT`` seconds. Setting a new password from a link ends every session and
revokes every API token. The same :func:`send_password_reset` serves the sign-in
page's "forgotten password" and staff acting on a support request; either way the link goes
only to the address on record, never to one given in the request.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from clientvault.accounts.mail import queue_email
from clientvault.accounts.models import Channel, ClientLogEvent, User
from clientvault.accounts.services.auth import (
    email_on_record,
    find_login_user,
    may_sign_in,
    set_new_password,
)
from clientvault.accounts.services.clientlog import log_for_user
from clientvault.accounts.services.sessions import Secured, sign_out_everywhere
from clientvault.privacy.actors import SYSTEM, Actor
from clientvault.privacy.services.audit import record_event

RESET_TEMPLATE = "accounts/auth/email/password_reset.txt"
CHANGED_TEMPLATE = "accounts/auth/email/password_changed.txt"


class ResetTokens(PasswordResetTokenGenerator):
    """Django's reset tokens, also bound to the address on record (kept on the Person).

    Django hashes ``User.email``, which is blank for customers, so without this a link sent
    before an e-mail change would still work afterwards.
    """

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        address = email_on_record(user).casefold()
        return f"{super()._make_hash_value(user, timestamp)}{address}"


reset_tokens = ResetTokens()


def reset_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = reset_tokens.make_token(user)
    path = reverse("accounts:password_reset_confirm", args=[uid, token])
    return f"{settings.CLIENTVAULT_SITE_URL}{path}"


def send_password_reset(*, user: User, actor: Actor | None, channel: str) -> None:
    """Queue a reset link to the e-mail on record for ``user`` (in the caller's transaction)."""
    address = email_on_record(user)
    if not address:
        raise ValidationError(
            {"email": "E-mail address: there is none on record, so no reset link can be sent."}
        )
    if not user.is_active:
        raise ValidationError("This login is disabled, so no reset link can be sent.")
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    with transaction.atomic():
        queue_email(
            to=address,
            subject="Reset your password",
            template=RESET_TEMPLATE,
            context={"link": reset_link(user), "minutes": str(minutes)},
        )
        log_for_user(
            user=user, event=ClientLogEvent.PASSWORD_RESET_REQUESTED, actor=actor, channel=channel
        )
        record_event(
            action="password_reset.sent",
            actor=actor,
            subject_id=user.subject_id,
            purpose="security",
            obj=user,
            details={"channel": channel},
        )


def request_password_reset(*, identifier: str) -> None:
    """The sign-in page's request: a link if a usable login matches, and silence otherwise.

    The caller shows the same answer either way, so the page says nothing about who has an
    account here.
    """
    user = find_login_user(identifier)
    if user is None or not may_sign_in(user) or not email_on_record(user):
        return
    send_password_reset(user=user, actor=SYSTEM, channel=Channel.ONLINE)


def user_from_link(uidb64: str, token: str) -> User | None:
    """The login a reset link is for, if the link is genuine, unused and not expired."""
    try:
        pk = uuid.UUID(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not reset_tokens.check_token(user, token):
        return None
    return user


def reset_password(*, user: User, password: str) -> Secured:
    """Set a new password from a reset link; every session ends, every API token is revoked."""
    with transaction.atomic():
        set_new_password(user, password)
        secured = sign_out_everywhere(user=user, actor=user, reason="password reset")
        log_for_user(user=user, event=ClientLogEvent.PASSWORD_RESET, actor=user)
        record_event(
            action="password.reset",
            actor=user,
            subject_id=user.subject_id,
            purpose="security",
            obj=user,
            details={"tokens_revoked": secured.tokens_revoked},
        )
        notify_password_changed(user)
    return secured


def notify_password_changed(user: User) -> None:
    """Tell the address on record that the password changed (no link, no password)."""
    address = email_on_record(user)
    if address:
        queue_email(
            to=address,
            subject="Your password was changed",
            template=CHANGED_TEMPLATE,
            context={"security_url": settings.CLIENTVAULT_SITE_URL + reverse("accounts:login")},
        )
