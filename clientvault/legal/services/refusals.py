"""A refusal of a legal rule: audited (``legal.refused`` with the rule's code) and raised as a
``ValidationError`` whose message names the rule."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import models, transaction

from clientvault.privacy.actors import Actor
from clientvault.privacy.services.audit import record_event


class LegalRefused(ValidationError):
    """A legal rule forbids the step; ``rule`` is its code, the message says which."""

    def __init__(self, message: str, *, rule: str, field: str | None = None) -> None:
        super().__init__({field: message} if field else message)
        self.rule = rule


def refuse(
    *,
    rule: str,
    message: str,
    actor: Actor | None,
    field: str | None = None,
    obj: models.Model | None = None,
    subject_id: uuid.UUID | None = None,
    details: Mapping[str, object] | None = None,
) -> LegalRefused:
    """Audit the refusal in its own transaction; call it outside any transaction the caller
    rolls back (an audit written inside one is rolled back with it). ``details``: codes only."""
    with transaction.atomic():
        record_event(
            action="legal.refused",
            actor=actor,
            subject_id=subject_id,
            obj=obj,
            details={**(details or {}), "rule": rule},
        )
    return LegalRefused(f"{message} (rule: {rule.replace('_', ' ')})", rule=rule, field=field)
