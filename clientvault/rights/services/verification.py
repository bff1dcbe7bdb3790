"""Verifying that a request comes from the person it concerns (RGT-2).

- A signed-in person who typed their password again is verified for access, correction and
  objection (``verify_signed_in``); an erasure of a whole account needs a code as well.
- Everything else (the public form, an agent, staff entry, erasure) needs a one-time code sent
  to the address on record of the person the request concerns, never to one the request gives.
  Codes are single use, valid ``[rights] code_minutes``, kept as keyed hashes; five wrong
  codes end a code, and at most three codes are sent an hour.
- The profile may also ask for a signed declaration (name typed, a tick, the date).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from clientvault.messaging.services.outbox import queue_message
from clientvault.privacy import vault
from clientvault.privacy.actors import Actor
from clientvault.privacy.profile import current_profile
from clientvault.rights import messages
from clientvault.rights.models import (
    Channel,
    Kind,
    RightsRequest,
    Scope,
    Status,
    Verification,
    VerificationCode,
)
from clientvault.rights.services.notices import kind_text
from clientvault.rights.services.progress import proceed
from clientvault.rights.services.requests import contact_on_record, move

MAX_TRIES = 5
CODES_PER_HOUR = 3  # for one request
PERSON_CODES_PER_HOUR = 5  # for one person, whatever the requests (the public form floods)
WRONG_CODE = "Code: this code is not right, or has expired. Ask for a new code if need be."


def needs_code(request: RightsRequest) -> bool:
    """Whether a signed-in person's password is not enough for this request."""
    return request.kind == Kind.ERASURE or request.scope == Scope.ACCOUNT


def _digest(request: RightsRequest, code: str) -> str:
    key = vault.system_key("rights-codes")
    message = f"{request.pk}:{code.strip()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _recent_codes(request: RightsRequest) -> int:
    since = timezone.now() - datetime.timedelta(hours=1)
    return request.codes.filter(created_at__gte=since).count()


def send_code(*, request: RightsRequest, link: str = "") -> bool:
    """Send a new code to the address on record; False when the person is unknown (the caller
    answers the same either way, so no one learns whether a person exists)."""
    if _recent_codes(request) >= CODES_PER_HOUR:
        raise ValidationError(
            {"code": "Too many codes were sent for this request; try again in an hour."}
        )
    if request.status == Status.RECEIVED:
        move(request=request, to=Status.AWAITING_VERIFICATION, actor=None)
    contact = contact_on_record(request)
    if contact is None or _person_flooded(request):
        return False
    _issue(request, contact.email, link)
    return True


def _person_flooded(request: RightsRequest) -> bool:
    """Whether the person had their fill of codes this hour. Said to a signed-in person; kept
    silent on the public form, whose answer must not tell whether the person exists."""
    since = timezone.now() - datetime.timedelta(hours=1)
    person = request.subject_id
    sent = VerificationCode.objects.filter(request__subject__isnull=False, request__subject=person)
    if sent.filter(created_at__gte=since).count() < PERSON_CODES_PER_HOUR:
        return False
    if request.channel != Channel.PUBLIC_FORM:
        raise ValidationError({"code": "Too many codes were sent to you; try again in an hour."})
    return True


def _issue(request: RightsRequest, address: str, link: str) -> None:
    code = f"{secrets.randbelow(10**8):08d}"
    minutes = current_profile().rights.code_minutes
    now = timezone.now()
    with transaction.atomic():
        request.codes.filter(used_at__isnull=True, superseded_at__isnull=True).update(
            superseded_at=now
        )
        sent = VerificationCode.objects.create(
            request=request,
            digest=_digest(request, code),
            created_at=now,
            expires_at=now + datetime.timedelta(minutes=minutes),
        )
        queue_message(
            subject_id=request.subject_id,
            to=address,
            kind=messages.CODE.key,
            context={
                "kind": kind_text(request),
                "reference": request.reference,
                "minutes": str(minutes),
                "code": code,
                "link": link,
            },
            key=f"rights:{request.pk}:code:{sent.pk}",
            valid_until=sent.expires_at,
        )


def verify_code(*, request: RightsRequest, code: str, actor: Actor | None) -> RightsRequest:
    """Check a typed code; a right one verifies the request (single use)."""
    if not _use_code(request, code):
        raise ValidationError({"code": WRONG_CODE})
    return mark_verified(request=request, how=Verification.CODE, actor=actor)


def _use_code(request: RightsRequest, code: str) -> bool:
    """Spend the request's current code if ``code`` is it; a wrong one counts a try."""
    with transaction.atomic():
        current = _usable_code(request)
        if current is None:
            return False
        if not hmac.compare_digest(current.digest, _digest(request, code)):
            VerificationCode.objects.filter(pk=current.pk).update(tries=F("tries") + 1)
            return False
        current.used_at = timezone.now()
        current.save(update_fields=["used_at"])
    return True


def _usable_code(request: RightsRequest) -> VerificationCode | None:
    return (
        VerificationCode.objects.select_for_update()
        .filter(
            request=request,
            used_at__isnull=True,
            superseded_at__isnull=True,
            expires_at__gt=timezone.now(),
            tries__lt=MAX_TRIES,
        )
        .first()
    )


def check_declaration(request: RightsRequest) -> None:
    if current_profile().rights.declaration_required and request.declared_at is None:
        raise ValidationError(
            {"declaration": "Declaration: sign it with your name and tick the box to go on."}
        )


def verify_signed_in(
    *, request: RightsRequest, actor: Actor, how: str = Verification.PASSWORD
) -> RightsRequest:
    """The signed-in person typed their password again (or used their own API token): enough
    unless a code is needed."""
    if needs_code(request):
        raise ValidationError({"code": "This request needs a code sent to your e-mail address."})
    return mark_verified(request=request, how=how, actor=actor)


def mark_verified(
    *, request: RightsRequest, how: str, actor: Actor | None, reason: str = ""
) -> RightsRequest:
    """Record how the request was verified and move it on (``progress.proceed``)."""
    check_declaration(request)
    if request.subject_id is None:
        raise ValidationError({"code": WRONG_CODE})
    with transaction.atomic():
        RightsRequest.objects.filter(pk=request.pk).update(verification=how)
        request.verification = how
        if move(request=request, to=Status.VERIFIED, actor=actor, reason=reason):
            proceed(request=request, actor=actor)
    return request
