"""The operator's commands (``clientvault rights export|erase``) take the path of a request:
a request on the channel "operator", verified by the operator, worked at once in the same
functions the job runs, with the same history, audit and notices."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from clientvault.privacy.actors import SystemActor
from clientvault.privacy.directory import Contact, directory
from clientvault.privacy.models import Subject
from clientvault.privacy.services.erasure import ErasureReport, plan_erasure
from clientvault.rights.models import Channel, Kind, RightsRequest, Scope, Status, Verification
from clientvault.rights.services.requests import Ask, create_request, move
from clientvault.rights.services.work import do_work

OPERATOR = SystemActor("operator")


class OperatorError(Exception):
    """A bad account, person or reason: the message says which, in one line."""


@dataclass(frozen=True)
class Target:
    account: str
    person: uuid.UUID  # the person named, else the account's owner
    whole_account: bool


def resolve(*, account: str, person: str = "") -> Target:
    """The account and person an operator names; a clear error for either unknown."""
    people = directory().account_subjects(account.strip())
    if not people:
        raise OperatorError(f"No account is numbered {account.strip()!r}.")
    if not person:
        return Target(account.strip(), people[0], whole_account=True)
    subject = _subject(person)
    if subject not in people:
        raise OperatorError(f"Person {person!r} is not on account {account.strip()}.")
    return Target(account.strip(), subject, whole_account=False)


def _subject(person: str) -> uuid.UUID:
    found = Subject.objects.filter(reference=person.strip().upper()).first()
    if found is not None:
        return found.pk
    try:
        return uuid.UUID(person.strip())
    except ValueError:
        raise OperatorError(f"{person!r} is neither a subject reference (S-…) nor an id.") from None


def _open(target: Target, ask: Ask, reason: str) -> RightsRequest:
    on_record = directory().contact(target.person) or Contact(name="", email="")
    with transaction.atomic():
        request = create_request(
            ask=ask,
            channel=Channel.OPERATOR,
            subject_id=target.person,
            given=on_record,
            actor=OPERATOR,
            account=target.account,
        )
        RightsRequest.objects.filter(pk=request.pk).update(verification=Verification.OPERATOR)
        move(request=request, to=Status.VERIFIED, actor=OPERATOR, reason=reason)
        move(request=request, to=Status.IN_PROGRESS, actor=OPERATOR)
    return request


def export_for_operator(*, target: Target, reason: str = "operator") -> dict[str, Any]:
    """The person's export, made through an access request; the JSON document."""
    request = _open(target, Ask(kind=Kind.ACCESS), reason)
    do_work(request=request, actor=OPERATOR)
    export = request.exports.get()
    document: dict[str, Any] = json.loads(str(export.document))
    return document


def plan_for_operator(*, target: Target) -> list[ErasureReport]:
    """What an erasure would erase and keep, touching nothing (``--dry-run``)."""
    subjects = directory().account_subjects(target.account) if target.whole_account else []
    return [plan_erasure(subject_id=s) for s in subjects or [target.person]]


def erase_for_operator(*, target: Target, reason: str) -> RightsRequest:
    """Erase the person (or the whole account) through an erasure request; the request."""
    if not target.whole_account and _erased(target.person):
        raise OperatorError("This person was erased already; there is nothing left to erase.")
    scope = Scope.ACCOUNT if target.whole_account else Scope.PERSON
    request = _open(target, Ask(kind=Kind.ERASURE, scope=scope), reason)
    do_work(request=request, actor=OPERATOR)
    request.refresh_from_db()
    return request


def _erased(subject_id: uuid.UUID) -> bool:
    return Subject.objects.filter(pk=subject_id, erased_at__isnull=False).exists()
