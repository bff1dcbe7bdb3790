"""Taking a request in and moving it along its workflow (``models.TRANSITIONS``).

Every request has a requester of its own: a subject holding what was typed or, for a signed-in
person, the name and address on record at the time. Notices go to the requester; codes go only
to the address on record of the person the request concerns (RGT-2). So the receipt of an
erasure still reaches the person once their own data is gone, and an agent hears nothing
the person has not confirmed.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clientvault.privacy.actors import Actor, actor_ref, primary_role
from clientvault.privacy.directory import Contact, directory
from clientvault.privacy.inventory import registry
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.services.subjects import create_subject
from clientvault.privacy.taxonomy import Purpose
from clientvault.rights.deadlines import due_date
from clientvault.rights.models import Kind, RequestEvent, RightsRequest, Scope, Status

# What an objection may stop (it resolves through the consent ledger).
OBJECTABLE = (Purpose.MARKETING, Purpose.PARTNER_SHARING, Purpose.RESELLER_NEWSLETTER)


@dataclass(frozen=True)
class Ask:
    """What a request asks for, as the intake forms and the API gather it."""

    kind: str
    scope: str = Scope.PERSON
    field: str = ""
    new_value: str = ""
    purpose: str = ""
    note: str = ""
    declaration_name: str = ""


def check_ask(ask: Ask) -> None:
    """Refuse what cannot be asked, naming the field."""
    if ask.kind not in Kind.values:
        raise ValidationError({"kind": f"Unknown kind of request {ask.kind!r}."})
    if ask.scope == Scope.ACCOUNT and ask.kind != Kind.ERASURE:
        raise ValidationError({"scope": "Only an erasure can concern the whole account."})
    if ask.kind == Kind.CORRECTION:
        _check_correction(ask)
    if ask.kind == Kind.OBJECTION and ask.purpose not in OBJECTABLE:
        choices = ", ".join(OBJECTABLE)
        raise ValidationError({"purpose": f"Choose what to stop: one of {choices}."})
    if len(ask.note) > 2000:
        raise ValidationError({"note": "Note: at most 2,000 characters."})


def correctable_fields() -> dict[str, str]:
    """Every field a request may correct, ``app.Model.field`` -> a readable label."""
    return {
        f"{d.label}.{name}": f"{d.description.split(':')[0]}: {name.replace('_', ' ')}"
        for d in registry
        for name in d.correctable
    }


def _check_correction(ask: Ask) -> None:
    if ask.field not in correctable_fields():
        raise ValidationError({"field": "Choose a field we hold that a request can correct."})
    if len(ask.new_value) > 500:
        raise ValidationError({"new_value": "New value: at most 500 characters."})


def create_request(
    *,
    ask: Ask,
    channel: str,
    subject_id: uuid.UUID | None,
    given: Contact,
    actor: Actor | None,
    account: str = "",
    is_agent: bool = False,
) -> RightsRequest:
    """Record a new request (status received), its deadline running from now."""
    check_ask(ask)
    requester = create_subject(actor=actor)
    now = timezone.now()
    with transaction.atomic():
        request = RightsRequest(
            kind=ask.kind,
            scope=ask.scope,
            channel=channel,
            subject_id=subject_id,
            requester=requester,
            is_agent=is_agent,
            account=account if ask.scope == Scope.ACCOUNT else "",
            field=ask.field,
            purpose=ask.purpose,
            received_at=now,
            due_on=due_date(timezone.localdate(now)),
            expires_at=now + datetime.timedelta(days=current_profile().rights.verification_days),
            actor_id=actor_ref(actor),
        )
        _seal_typed(request, ask, given)
        request.save()
        add_event(request=request, step=Status.RECEIVED, actor=actor)
    return request


def _seal_typed(request: RightsRequest, ask: Ask, given: Contact) -> None:
    request.name_given = given.name
    request.email_given = given.email
    request.note = ask.note
    request.new_value = ask.new_value
    if ask.declaration_name:
        request.declaration_name = ask.declaration_name
        request.declared_at = timezone.now()


def add_event(
    *, request: RightsRequest, step: str, actor: Actor | None, reason: str = ""
) -> RequestEvent:
    """Keep one step in the request's history and audit it (ids and codes only)."""
    event = RequestEvent.objects.create(
        request=request,
        requester_id=request.requester_id,
        at=timezone.now(),
        step=step,
        actor_id=actor_ref(actor),
        actor_label=_role_label(actor),
        reason=reason,  # sealed for its row: the UUID key is given before the insert
    )
    record_event(
        action=f"rights.{step}",
        actor=actor,
        subject_id=request.subject_id or request.requester_id,
        obj=request,
        purpose=Purpose.LEGAL_OBLIGATION,
        details={"kind": request.kind, "channel": request.channel},
    )
    return event


def _role_label(actor: Actor | None) -> str:
    role = primary_role(actor)
    return {"customer": "you", "system": "clientvault", "": ""}.get(role, role.replace("_", " "))


class TransitionRefused(ValidationError):
    """The request cannot take that step from where it stands."""


def move(
    *, request: RightsRequest, to: str, actor: Actor | None, reason: str = "", step: str = ""
) -> bool:
    """Move the request to ``to`` if its workflow allows it now; False when another worker
    already did. The row is locked, so two moves cannot both start from the same status."""
    with transaction.atomic():
        current = RightsRequest.objects.select_for_update().get(pk=request.pk)
        if current.status == to:
            request.status = to
            return False
        if not current.may_become(to):
            raise TransitionRefused(
                f"A request that is {current.get_status_display().lower()} cannot become "
                f"{Status(to).label.lower()}."
            )
        _apply(current, to)
        current.save()
        add_event(request=current, step=step or to, actor=actor, reason=reason)
    _refresh(request, current)
    return True


def _apply(request: RightsRequest, to: str) -> None:
    request.status = to
    now = timezone.now()
    if to == Status.VERIFIED:
        request.verified_at = now
    if to in (Status.COMPLETED, Status.REFUSED, Status.WITHDRAWN, Status.EXPIRED):
        request.closed_at = now


def _refresh(request: RightsRequest, current: RightsRequest) -> None:
    for name in ("status", "verified_at", "closed_at", "verification", "outcome"):
        setattr(request, name, getattr(current, name))


def contact_on_record(request: RightsRequest) -> Contact | None:
    """Where the person the request concerns is reached; None when they are not known."""
    if request.subject_id is None:
        return None
    return directory().contact(request.subject_id)
