"""Proving a caller's identity before staff reveal an account's details (CTL-6).

On a telephone or ticket channel a person's details stay hidden from the staff member until that
staff member records a passed check for that person, valid for 30 minutes. A check is a security
answer, or a one-time code sent to the e-mail or the telephone on record (never to a number or
address the caller gives). Codes are six digits, stored only as a SHA-256 digest bound to the
check's id, valid 10 minutes, with at most 5 attempts. Every check, passed or failed, is an
``IdentityCheck`` row (its ``status`` moving along ``CHECK_TRANSITIONS``), an audit event and an
entry in the account's client log. A code read back after its ten minutes expires its check
(not a failure of the caller's); a new code expires the staff member's earlier pending ones,
each with an ``identity_check.expired`` audit event.

Codes leave through the outbox (``messaging.services.outbox.queue_message``), in the
transaction that starts the check: by e-mail, or by text message to the SMS gateway named by
``CLIENTVAULT_SMS_URL``. Without a gateway the telephone method is not offered (development
keeps texts in the development mailbox). A contact detail that was erased is not "on record".
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clientvault.accounts import messages
from clientvault.accounts.models import (
    CHECK_CHANNELS,
    MAX_CHECK_ATTEMPTS,
    CheckMethod,
    CheckStatus,
    ClientLogEvent,
    IdentityCheck,
    Person,
    SecurityAnswer,
    SecurityQuestion,
    User,
)
from clientvault.accounts.services.answers import check_security_answer

# A contact detail as it can be used, or "" when missing, erased or restricted: the one test,
# shared with auth.email_on_record.
from clientvault.accounts.services.clientlog import log_client_event, on_record
from clientvault.messaging.gateway import texts_available
from clientvault.messaging.services.outbox import queue_message
from clientvault.privacy.services.audit import record_event

CHECK_VALID = timedelta(minutes=30)
CODE_VALID = timedelta(minutes=10)
MAX_UNPASSED_PER_HOUR = 5
CODE_METHODS = frozenset({CheckMethod.EMAIL_CODE, CheckMethod.PHONE_CODE})


# -- what a staff member may do ---------------------------------------------------------------


def needs_check(channel: str) -> bool:
    return channel in CHECK_CHANNELS


def has_passed_check(*, staff: User, person: Person) -> bool:
    """Whether ``staff`` recorded a passed check for ``person`` in the last 30 minutes."""
    return IdentityCheck.objects.filter(
        staff=staff, person=person, status=CheckStatus.PASSED, valid_until__gt=timezone.now()
    ).exists()


def passed_check(*, staff: User, person: Person) -> IdentityCheck | None:
    now = timezone.now()
    checks = IdentityCheck.objects.filter(staff=staff, person=person, status=CheckStatus.PASSED)
    return checks.filter(valid_until__gt=now).order_by("-valid_until").first()


def passed_checks(*, staff: User, people: Iterable[Person]) -> dict[uuid.UUID, IdentityCheck]:
    """Each person's passed check by ``staff`` valid the longest, by person id, in one query."""
    checks = IdentityCheck.objects.filter(
        staff=staff,
        person__in=[p.pk for p in people],
        status=CheckStatus.PASSED,
        valid_until__gt=timezone.now(),
    )
    return {check.person_id: check for check in checks.order_by("valid_until")}


def pending_check(*, staff: User, person: Person) -> IdentityCheck | None:
    """The code check waiting for the caller's code, if one is still valid."""
    checks = IdentityCheck.objects.filter(
        staff=staff, person=person, status=CheckStatus.PENDING, method__in=CODE_METHODS
    )
    return checks.filter(valid_until__gt=timezone.now()).first()


def answered_questions(person: Person) -> list[tuple[str, str]]:
    """The security questions this person answered, as (value, text) choices."""
    if person.user_id is None:
        return []
    chosen = set(
        SecurityAnswer.objects.filter(user_id=person.user_id).values_list("question", flat=True)
    )
    return [(value, label) for value, label in SecurityQuestion.choices if value in chosen]


def available_methods(person: Person) -> list[str]:
    """The check methods that can work for this person, in the order staff should offer them."""
    methods: list[str] = []
    if answered_questions(person):
        methods.append(CheckMethod.SECURITY_ANSWER)
    if on_record(person.email):
        methods.append(CheckMethod.EMAIL_CODE)
    if on_record(person.phone) and texts_available():
        methods.append(CheckMethod.PHONE_CODE)
    return methods


# -- starting and deciding checks -------------------------------------------------------------


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def _require_channel(channel: str) -> None:
    if not needs_check(channel):
        raise _refuse(
            "channel", "Identity checks are for a caller on the telephone or a support ticket."
        )


def _require_method(person: Person, method: str) -> None:
    if method not in available_methods(person):
        label = CheckMethod(method).label if method in CheckMethod.values else method
        raise _refuse("method", f"“{label}” cannot be used for this person.")


def _refuse_if_throttled(person: Person) -> None:
    since = timezone.now() - timedelta(hours=1)
    unpassed = IdentityCheck.objects.filter(person=person, created_at__gte=since).exclude(
        status=CheckStatus.PASSED
    )
    if unpassed.count() >= MAX_UNPASSED_PER_HOUR:
        raise _refuse(
            "method",
            f"{MAX_UNPASSED_PER_HOUR} identity checks for this person did not pass in the last "
            "hour. Stop here and ask the customer to sign in to the customer area instead.",
        )


def _audit(check: IdentityCheck, action: str) -> None:
    record_event(
        action=f"identity_check.{action}",
        actor=check.staff,
        subject_id=check.person.subject_id,
        purpose="security",
        obj=check,
        details={"method": check.method, "channel": check.channel, "attempts": check.attempts},
    )


def _decide(check: IdentityCheck, outcome: str) -> None:
    """Move the check to ``outcome`` along CHECK_TRANSITIONS, with its audit event."""
    if not check.may_become(outcome):
        raise _refuse("code", "This check is already decided. Start a new check.")
    now, outcome = timezone.now(), CheckStatus(outcome).value
    check.status, check.decided_at = outcome, now
    check.valid_until = now + CHECK_VALID if outcome == CheckStatus.PASSED else now
    check.save(update_fields=["status", "decided_at", "valid_until", "attempts"])
    _audit(check, outcome)


def _conclude(check: IdentityCheck, outcome: str) -> IdentityCheck:
    """Record the outcome: row, audit event and client-log entry, in the caller's transaction."""
    _decide(check, outcome)
    log_client_event(
        customer=check.person.customer,
        event=ClientLogEvent.IDENTITY_CHECKED,
        actor=check.staff,
        channel=check.channel,
        person=check.person,
        detail=f"{check.status} ({check.get_method_display().lower()})",
    )
    return check


def _new_check(*, staff: User, person: Person, channel: str, method: str) -> IdentityCheck:
    _require_channel(channel)
    _require_method(person, method)
    _refuse_if_throttled(person)
    return IdentityCheck.objects.create(
        staff=staff, person=person, channel=channel, method=method, created_at=timezone.now()
    )


def verify_security_answer(
    *, staff: User, person: Person, channel: str, question: str, answer: str
) -> IdentityCheck:
    """Check the caller's answer to one of the person's security questions; pass or fail."""
    if question not in dict(answered_questions(person)):
        raise _refuse("question", "Choose one of the questions this person has answered.")
    if not answer.strip():
        raise _refuse("answer", "Type the answer the caller gave.")
    with transaction.atomic():
        check = _new_check(
            staff=staff, person=person, channel=channel, method=CheckMethod.SECURITY_ANSWER
        )
        check.attempts = 1
        user = person.user
        assert user is not None  # answered_questions lists none for a person without a login
        matched = check_security_answer(user=user, question=question, answer=answer)
        return _conclude(check, CheckStatus.PASSED if matched else CheckStatus.FAILED)


def code_digest(check: IdentityCheck, code: str) -> str:
    """SHA-256 of the code bound to the check's id: a code is worth nothing on another check."""
    return hashlib.sha256(f"{check.pk}:{code.strip()}".encode()).hexdigest()


def _send_code(check: IdentityCheck, code: str) -> None:
    """Queue the code to what is on record, in the check's transaction (checked methods only)."""
    person, minutes = check.person, CODE_VALID.seconds // 60
    if check.method == CheckMethod.EMAIL_CODE:
        to, kind = on_record(person.email), messages.IDENTITY_CODE
    else:
        to, kind = on_record(person.phone), messages.IDENTITY_CODE_TEXT
    queue_message(
        subject_id=person.subject_id,
        to=to,
        kind=kind.key,
        context={"code": code, "minutes": str(minutes)},
        valid_until=check.valid_until,
    )


def _supersede_pending(staff: User, person: Person) -> None:
    """A new code makes any earlier one worthless: one live code per staff member and person.
    Each earlier pending check expires on its own, audited (in the caller's transaction)."""
    pending = IdentityCheck.objects.select_for_update().select_related("person", "staff")
    for check in pending.filter(staff=staff, person=person, status=CheckStatus.PENDING):
        _decide(check, CheckStatus.EXPIRED)


def start_identity_check(
    *, staff: User, person: Person, channel: str, method: str
) -> IdentityCheck:
    """Send a one-time code to the e-mail or telephone on record; the caller reads it back."""
    if method not in CODE_METHODS:
        raise _refuse("method", "Choose the e-mail or the telephone on record for the code.")
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        _supersede_pending(staff, person)
        check = _new_check(staff=staff, person=person, channel=channel, method=method)
        check.code_digest = code_digest(check, code)
        check.valid_until = check.created_at + CODE_VALID
        check.save(update_fields=["code_digest", "valid_until"])
        _send_code(check, code)
        _audit(check, "code_sent")
    return check


def _locked(check: IdentityCheck) -> IdentityCheck:
    return (
        IdentityCheck.objects.select_for_update()
        .select_related("person__customer")
        .get(pk=check.pk)
    )


def decide_identity_check(*, check: IdentityCheck, staff: User, code: str) -> IdentityCheck:
    """Compare the code the caller read back. Wrong codes count; the fifth one fails the check.

    Returns the check: ``status`` is passed, expired (the code was read back after its ten
    minutes), failed (out of attempts), or still pending (a wrong code with attempts left, see
    ``attempts``). A check already decided, or cancelled by a newer code, is refused with a
    ValidationError.
    """
    if check.staff_id != staff.pk:
        raise _refuse("code", "This check was started by another staff member.")
    with transaction.atomic():
        check = _locked(check)
        if check.is_decided or check.method not in CODE_METHODS:
            raise _refuse("code", "This check is already decided. Start a new check.")
        if check.valid_until is None or check.valid_until <= timezone.now():
            return _conclude(check, CheckStatus.EXPIRED)
        check.attempts += 1
        if hmac.compare_digest(check.code_digest, code_digest(check, code)):
            return _conclude(check, CheckStatus.PASSED)
        if check.attempts >= MAX_CHECK_ATTEMPTS:
            return _conclude(check, CheckStatus.FAILED)
        check.save(update_fields=["attempts"])
        _audit(check, "wrong_code")
    return check
