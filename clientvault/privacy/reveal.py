"""Purpose-bound reading of personal fields: ``reveal(obj, field, purpose, actor)``.

Restricted fields (card data, sensitive data, communications content) read as ``RESTRICTED``
through the model; their plaintext comes only from here. A reveal is allowed when the field is
declared personal in the inventory, the purpose is one the field is declared for, and the policy
profile grants that purpose to one of the actor's roles (a customer, moreover, only for their own
data). The right of access (``SUBJECT_ACCESS``) is the one exception: it opens any personal field,
whatever the field declares or the profile grants, but only to the subject themselves (a
:class:`~clientvault.privacy.actors.SubjectActor`, or a login of that subject). Every reveal is
audited as ``reveal``; every refusal raises :class:`RevealDenied` and is audited as
``reveal.denied`` (in the caller's transaction: a caller that rolls its transaction back on the
error also rolls back that record).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models, transaction

from clientvault.privacy import vault
from clientvault.privacy.actors import Actor, SystemActor, actor_ref, actor_roles
from clientvault.privacy.fields import VaultField
from clientvault.privacy.inventory import Personal, registry
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.taxonomy import AUDIT_PURPOSES, SUBJECT_ACCESS, Purpose


class RevealDenied(PermissionDenied):
    """A reveal was refused; ``reason`` is the code written to the audit log."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Denial:
    reason: str  # a code, for the audit log
    why: str  # a sentence, for the person


def subject_id_of(obj: models.Model) -> uuid.UUID | None:
    """The subject a row belongs to, following its declaration's subject path (``a__b``)."""
    declaration = registry.for_model(type(obj))
    if declaration is None or not declaration.subject:
        return None
    *hops, last = declaration.subject.split("__")
    target: Any = obj
    for hop in hops:
        target = getattr(target, hop, None)
        if target is None:
            return None
    value = getattr(target, f"{last}_id", None) or getattr(target, last, None)
    return _as_uuid(value.pk if isinstance(value, models.Model) else value)


def _as_uuid(value: Any) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(str(value))


def _field_denial(model: type[models.Model], field: str, purpose: str) -> Denial | None:
    spec = registry.spec(model, field)
    if spec is None or not _is_model_field(model, field):
        return Denial("undeclared", "the field is not declared in the privacy inventory")
    if not isinstance(spec, Personal):
        return Denial("not_personal", "the inventory declares the field not personal")
    if purpose == SUBJECT_ACCESS:
        return None  # any personal field; who may use it is checked with the actor
    if purpose not in Purpose.values:
        return Denial("unknown_purpose", "that is not a purpose of the taxonomy")
    if purpose not in spec.purposes:
        declared = ", ".join(spec.purposes)
        return Denial("purpose_not_declared", f"the field is declared only for: {declared}")
    return None


def _is_model_field(model: type[models.Model], field: str) -> bool:
    try:
        model._meta.get_field(field)
    except FieldDoesNotExist:
        return False
    return True


def _actor_denial(request: _Request) -> Denial | None:
    actor, purpose, subject_id = request.actor, request.purpose, request.subject_id
    if actor is None or not getattr(actor, "is_authenticated", True):
        return Denial("no_actor", "nobody is signed in")
    if not actor.is_active:
        return Denial("inactive_actor", "the actor's account is inactive")
    if purpose == SUBJECT_ACCESS:
        return _subject_access_denial(actor, subject_id)
    roles = actor_roles(actor)
    if purpose not in current_profile().purposes_for(roles):
        held = ", ".join(sorted(roles)) or "none"
        return Denial(
            "purpose_not_granted",
            f"the policy profile grants it to none of the actor's roles ({held})",
        )
    if roles == {"customer"} and not _own_or_shared(actor, request.obj, subject_id, purpose):
        return Denial("not_own_data", "a customer may reveal only their own data")
    return None


def _subject_access_denial(actor: Actor, subject_id: uuid.UUID | None) -> Denial | None:
    if _own(actor, subject_id):
        return None
    return Denial("not_the_subject", "the right of access reveals data only to its own subject")


# Rules by which a customer may read data sealed for another subject for one purpose: an
# authorised user reading the account's support tickets, say. Apps register them; the kernel
# knows no account (see :func:`register_shared_reading`).
SharedReading = Callable[[Actor, models.Model, uuid.UUID, str], bool]
_shared_readings: list[SharedReading] = []


def register_shared_reading(rule: SharedReading) -> None:
    """Let ``rule(actor, obj, subject_id, purpose)`` allow a customer to read ``obj``'s field
    though it is sealed for another subject.

    A rule must be narrow (one purpose, one relation between the two) and fail closed."""
    if rule not in _shared_readings:
        _shared_readings.append(rule)


def _own_or_shared(
    actor: Actor, obj: models.Model, subject_id: uuid.UUID | None, purpose: str
) -> bool:
    if _own(actor, subject_id):
        return True
    return subject_id is not None and any(
        rule(actor, obj, subject_id, purpose) for rule in _shared_readings
    )


def _own(actor: Actor, subject_id: uuid.UUID | None) -> bool:
    if isinstance(actor, SystemActor) or subject_id is None:
        return False
    return _as_uuid(getattr(actor, "subject_id", None)) == subject_id


def _read(obj: models.Model, field: str) -> str:
    model_field = obj._meta.get_field(field)
    if isinstance(model_field, VaultField):
        return model_field.open(obj)
    value = getattr(obj, field)
    return "" if value is None else str(value)


@dataclass(frozen=True)
class _Request:
    obj: models.Model
    field: str
    purpose: str
    actor: Actor | None
    subject_id: uuid.UUID | None

    @property
    def where(self) -> dict[str, Any]:
        return {"model": self.obj._meta.label, "field": self.field}


def _deny(request: _Request, denial: Denial) -> NoReturn:
    purpose = request.purpose
    record_event(
        action="reveal.denied",
        actor=request.actor,
        subject_id=request.subject_id,
        purpose=purpose if purpose in AUDIT_PURPOSES else "",
        obj=request.obj,
        details={**request.where, "reason": denial.reason},
    )
    raise RevealDenied(
        f"reveal of {request.obj._meta.label}.{request.field} for purpose {purpose!r} by "
        f"{actor_ref(request.actor) or 'nobody'} denied: {denial.why}",
        reason=denial.reason,
    )


def _allow(request: _Request) -> str:
    with transaction.atomic():
        plain = _read(request.obj, request.field)
        erased = {"erased": True} if isinstance(plain, vault.Erased) else {}
        record_event(
            action="reveal",
            actor=request.actor,
            subject_id=request.subject_id,
            purpose=request.purpose,
            obj=request.obj,
            details={**request.where, **erased},
        )
    return plain


def reveal(obj: models.Model, field: str, purpose: str, actor: Actor | None) -> str:
    """The plaintext of ``obj.field`` (or ``ERASED``) for ``purpose``, audited; or RevealDenied."""
    request = _Request(obj, field, purpose, actor, subject_id_of(obj))
    denial = _field_denial(type(obj), field, purpose) or _actor_denial(request)
    if denial is not None:
        _deny(request, denial)
    return _allow(request)
