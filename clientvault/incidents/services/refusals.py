"""Refusing bad input: a ValidationError naming the field and the rule, and an audit entry."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from clientvault.incidents.models import Incident
from clientvault.privacy.actors import Actor
from clientvault.privacy.services.audit import record_event


def refuse(
    *, rule: str, field: str, message: str, actor: Actor | None, incident: Incident | None = None
) -> ValidationError:
    """Audit the refusal (``incident.refused`` with the rule's code) and return the error to
    raise; the caller's own changes are rolled back, the audit entry is not."""
    with transaction.atomic():
        record_event(action="incident.refused", actor=actor, obj=incident, details={"rule": rule})
    return ValidationError({field: message}, code=rule)
