"""The security page's services: password change, security answers, reports of unauthorised use.

Security answers (SEC-2) are normalised (case-folded, punctuation removed, spaces collapsed)
and hashed like passwords (argon2); they are never shown again and serve only to check a
caller's identity (:func:`check_security_answer`). A report of unauthorised use (SEC-3) ends
every session, revokes every API token, withdraws the invitations the login sent that are still
waiting, forces a password reset through the e-mail on record and is raised to staff.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from clientvault.accounts.models import (
    Channel,
    ClientLogEvent,
    Person,
    SecurityAnswer,
    SecurityQuestion,
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

ANSWER_MIN_LENGTH = 2
ANSWER_MAX_LENGTH = 100
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


# --- security answers -------------------------------------------------------------------------


def normalise_answer(answer: str) -> str:
    """Case-folded, punctuation removed, spaces collapsed: "St. Mary's" == "st marys"."""
    folded = unicodedata.normalize("NFKC", answer).casefold()
    kept = "".join(ch for ch in folded if not unicodedata.category(ch).startswith("P"))
    return " ".join(kept.split())


def clean_security_answers(answers: Mapping[str, str]) -> dict[str, str]:
    """Question code -> normalised answer; refuses unknown questions and too short answers."""
    if not answers:
        raise ValidationError("Choose at least one security question and give its answer.")
    clean: dict[str, str] = {}
    for question, answer in answers.items():
        if question not in SecurityQuestion.values:
            raise ValidationError({"question": f"Question: {question!r} is not one we offer."})
        text = normalise_answer(answer)
        if not ANSWER_MIN_LENGTH <= len(text) <= ANSWER_MAX_LENGTH:
            label = SecurityQuestion(question).label
            raise ValidationError(
                {
                    "answer": f"Answer to “{label}”: give {ANSWER_MIN_LENGTH} to "
                    f"{ANSWER_MAX_LENGTH} letters or digits."
                }
            )
        clean[question] = text
    return clean


def set_security_answers(*, user: User, answers: dict[str, str], actor: Actor) -> None:
    """Replace the login's security answers with these (question code -> answer)."""
    clean = clean_security_answers(answers)
    with transaction.atomic():
        SecurityAnswer.objects.filter(user=user).delete()
        SecurityAnswer.objects.bulk_create(
            SecurityAnswer(user=user, question=q, answer_hash=make_password(a))
            for q, a in clean.items()
        )
        log_for_user(user=user, event=ClientLogEvent.SECURITY_ANSWERS_CHANGED, actor=actor)
        record_event(
            action="security_answers.set",
            actor=actor,
            subject_id=user.subject_id,
            purpose="security",
            obj=user,
            details={"questions": sorted(clean)},
        )


def check_security_answer(*, user: User, question: str, answer: str) -> bool:
    """Whether ``answer`` matches the stored answer to ``question`` (after normalising)."""
    row = SecurityAnswer.objects.filter(user=user, question=question).first()
    normalised = normalise_answer(answer)
    if row is None:
        make_password(normalised)  # the same work either way
        return False
    return bool(normalised) and check_password(normalised, row.answer_hash)


def answered_questions(user: User) -> list[SecurityAnswer]:
    return list(SecurityAnswer.objects.filter(user=user).order_by("question"))


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
