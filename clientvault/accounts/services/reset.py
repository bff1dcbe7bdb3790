"""Password reset (CTL-2): a single-use link, valid one hour, to the e-mail on record only.

The link's token is Django's ``PasswordResetTokenGenerator`` (:class:`ResetTokens`): it hashes
the login's current password, last sign-in and e-mail address on record, so it stops working
once used (the password changes), when the address changes and after
``PASSWORD_RESET_TIMEOUT`` seconds. Setting a new password from a link ends every session and
revokes every API token, and confirms an address that awaited confirmation (the link reached
it: how a telephone-opened account's address is confirmed). The same
:func:`send_password_reset` serves the sign-in page's "forgotten password" and staff acting on a
support request; either way the link goes only to the address on record, never to one given in
the request. A signup whose address was never confirmed is sent nothing: it is nobody's yet.

The sign-in page's request does the same work whether or not an account matches, so its answer
and its time tell nothing: :func:`request_password_reset` only queues one job, sealed with the
typed identifier and a random request id, for every identifier alike. The job
(:func:`answer_password_reset_request`) looks the login up and, if
one can be reset, sends the link through :func:`answer_reset_request`, once per request.
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
from django_tasks import task

from clientvault.accounts import messages, throttle
from clientvault.accounts.models import Channel, ClientLogEvent, User
from clientvault.accounts.sealing import new_payload_id, open_payload, payload_id, seal_payload
from clientvault.accounts.services.auth import (
    email_on_record,
    find_login_user,
    may_sign_in,
    set_new_password,
)
from clientvault.accounts.services.clientlog import log_for_user, person_of
from clientvault.accounts.services.confirmation import (
    confirm_address_on_record,
    is_pending_signup,
)
from clientvault.accounts.services.sessions import Secured, sign_out_everywhere
from clientvault.messaging.services.outbox import queue_message
from clientvault.privacy.actors import SYSTEM, Actor
from clientvault.privacy.models import AuditEvent
from clientvault.privacy.services.audit import record_event

SENT = "password_reset.sent"


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


def send_password_reset(
    *, user: User, actor: Actor | None, channel: str, request_id: str = ""
) -> None:
    """Queue a reset link to the e-mail on record for ``user`` (in the caller's transaction).

    ``request_id``: the sign-in page's request this answers (the mail is queued under it).
    """
    address = email_on_record(user)
    if not address:
        raise ValidationError(
            {"email": "E-mail address: there is none on record, so no reset link can be sent."}
        )
    if not user.is_active:
        raise ValidationError("This login is disabled, so no reset link can be sent.")
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    with transaction.atomic():
        queue_message(
            subject_id=user.subject_id,
            to=address,
            kind=messages.PASSWORD_RESET.key,
            context={"link": reset_link(user), "minutes": str(minutes)},
            key=request_id,
        )
        log_for_user(
            user=user, event=ClientLogEvent.PASSWORD_RESET_REQUESTED, actor=actor, channel=channel
        )
        details = (
            {"channel": channel, "request": request_id} if request_id else {"channel": channel}
        )
        record_event(
            action=SENT,
            actor=actor,
            subject_id=user.subject_id,
            purpose="security",
            obj=user,
            details=details,
        )


def request_password_reset(*, identifier: str) -> None:
    """The sign-in page's request: one job queued, sealed, the same for every identifier.

    Nothing is looked up here, so the request does the same work (and the caller shows the
    same answer) whether or not an account matches.
    """
    request: dict[str, object] = {"id": new_payload_id(), "identifier": identifier}
    answer_password_reset_request.enqueue(sealed=seal_payload(request))


def answer_reset_request(*, request_id: str, identifier: str) -> bool:
    """The job's half of a request: a link if a usable login matches; whether one was queued.

    Idempotent: the login's row is locked and the audit log says whether ``request_id`` was
    answered already, so a job that runs again sends nothing more.
    """
    user = find_login_user(identifier)
    if user is None or not may_sign_in(user) or not email_on_record(user):
        return False
    person = person_of(user)
    if person is not None and is_pending_signup(person):
        return False  # an address never confirmed is nobody's yet: signing up again replaces it
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).exists()
        answered = AuditEvent.objects.filter(action=SENT, details__request=request_id)
        if answered.exists():
            return False
        send_password_reset(user=user, actor=SYSTEM, channel=Channel.ONLINE, request_id=request_id)
    return True


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
        throttle.unlock_login(user.pk)  # guesses at the old password no longer lock anyone out
        confirm_address_on_record(user=user)  # the link reached it
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
        queue_message(
            subject_id=user.subject_id,
            to=address,
            kind=messages.PASSWORD_CHANGED.key,
            context={"security_url": settings.CLIENTVAULT_SITE_URL + reverse("accounts:login")},
        )


@task()
def answer_password_reset_request(sealed: str) -> dict[str, int]:
    """Answer one request queued by :func:`~clientvault.accounts.services.reset.
    request_password_reset`: a link to the address on record if a usable login matches.

    The typed identifier travels sealed (like queued mail); the request's id makes the answer
    happen once however often the job runs. The result is a count, never the identifier.
    """
    request = open_payload(sealed)
    identifier = request.get("identifier")
    answered = answer_reset_request(
        request_id=payload_id(request),
        identifier=identifier if isinstance(identifier, str) else "",
    )
    return {"answered": int(answered)}
