"""The security page's services: password change and reports of unauthorised use.

(Security answers are in :mod:`clientvault.accounts.services.answers`.) A report of
unauthorised use (SEC-3) ends every session, revokes every API token, withdraws the invitations
the login sent that are still waiting, forces a password reset through the e-mail on record
and is raised to staff.
"""

from __future__ import annotations

from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from clientvault.accounts.models import (
    Channel,
    ClientLogEvent,
    Person,
    UnauthorisedUseReport,
    User,
)
from clientvault.accounts.services.auth import email_on_record, set_new_password
from clientvault.accounts.services.clientlog import log_client_event, log_for_user
from clientvault.accounts.services.people import withdraw_invitations_sent_by
from clientvault.accounts.services.reset import notify_password_changed, send_password_reset
from clientvault.accounts.services.sessions import Secured, sign_out_everywhere, track_new_key
from clientvault.privacy.actors import Actor
from clientvault.privacy.services.audit import record_event

DESCRIPTION_MAX_LENGTH = 2000

# --- password ---------------------------------------------------------------------------------


def change_password(*, request: HttpRequest, user: User, password: str) -> Secured:
    """Set a new password; this session stays signed in, every other one ends, and every API
    token is revoked (a token made by whoever knew the old password must not outlive it)."""
    with transaction.atomic():
        set_new_password(user, password)
        old_key = request.session.session_key
        secured = sign_out_everywhere(
            user=user, actor=user, reason="password changed", keep=old_key
        )
        update_session_auth_hash(request, user)  # a new session key for this session
        track_new_key(old_key=old_key, session=request.session)
        log_for_user(user=user, event=ClientLogEvent.PASSWORD_CHANGED, actor=user)
        record_event(
            action="password.changed",
            actor=user,
            subject_id=user.subject_id,
            purpose="security",
            obj=user,
            details={
                "sessions_ended": secured.sessions_ended,
                "tokens_revoked": secured.tokens_revoked,
            },
        )
        notify_password_changed(user)
    return secured


# --- unauthorised use -------------------------------------------------------------------------


def report_unauthorised_use(
    *, person: Person, description: str, actor: Actor
) -> UnauthorisedUseReport:
    """Record the report, secure the login, force a reset by e-mail, raise it to staff.

    Securing the login: every session ends, every API token is revoked and every invitation
    this login sent that is still waiting is withdrawn, so nothing made with a stolen session
    keeps working.
    """
    user = person.user
    if user is None:
        raise ValidationError("This person has no login, so there is nothing to secure.")
    text = description.strip()
    if len(text) > DESCRIPTION_MAX_LENGTH:
        raise ValidationError(
            {"description": f"What happened: at most {DESCRIPTION_MAX_LENGTH} characters."}
        )
    with transaction.atomic():
        report = UnauthorisedUseReport.objects.create(
            customer=person.customer,
            person=person,
            subject=person.subject,
            description=text,
            created_at=timezone.now(),
        )
        secured = sign_out_everywhere(user=user, actor=actor, reason="unauthorised use reported")
        withdrawn = withdraw_invitations_sent_by(user=user, actor=actor)
        reset_sent = _force_reset(user, actor)
        log_client_event(
            customer=person.customer,
            person=person,
            event=ClientLogEvent.UNAUTHORISED_USE_REPORTED,
            actor=actor,
            channel=Channel.STAFF if actor.is_staff else Channel.ONLINE,
        )
        record_event(
            action="unauthorised_use.reported",
            actor=actor,
            subject_id=person.subject_id,
            purpose="security",
            obj=report,
            details={
                "sessions_ended": secured.sessions_ended,
                "tokens_revoked": secured.tokens_revoked,
                "invitations_withdrawn": withdrawn,
                "reset_sent": reset_sent,
            },
        )
    return report


def _force_reset(user: User, actor: Actor) -> bool:
    user.set_unusable_password()
    user.save(update_fields=["password"])
    if not email_on_record(user):
        return False
    send_password_reset(user=user, actor=actor, channel=Channel.ONLINE)
    return True
