"""Applying an approved correction (Art. 16) and telling those who received the old value
(Art. 19).

The change goes through the owning app's own service, named by the inventory's ``updater``
(never a raw write), which validates it by that app's rules and keeps old -> new. Every
recipient in the disclosure register who received the field's category is then sent a
correction notice, itself recorded in the register.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string

from clientvault.privacy.actors import Actor
from clientvault.privacy.inventory import Personal, registry
from clientvault.privacy.models import Disclosure, DisclosureGround
from clientvault.privacy.services.disclosures import DisclosureRefused, disclose
from clientvault.rights.models import RightsRequest


@dataclass(frozen=True)
class Target:
    label: str
    field: str
    category: str
    updater: str


def target_of(field: str) -> Target:
    """The declared model and field a correction names (``accounts.Person.phone``)."""
    label, _, name = field.rpartition(".")
    declaration = registry.get(label)
    spec = declaration.fields.get(name) if declaration else None
    if declaration is None or name not in declaration.correctable or declaration.updater is None:
        raise ValidationError({"field": f"{field!r} is not a field a request can correct."})
    category = spec.category if isinstance(spec, Personal) else ""
    return Target(label, name, category, declaration.updater)


def apply_correction(*, request: RightsRequest, actor: Actor) -> int:
    """Make the change through the owning app; how many recipients were sent a notice."""
    target = target_of(request.field)
    assert request.subject_id is not None
    update = import_string(target.updater)
    update(
        subject_id=request.subject_id,
        field=target.field,
        value=str(request.new_value or ""),
        actor=actor,
    )
    return notify_recipients(
        subject_id=request.subject_id, category=target.category, request=request, actor=actor
    )


def notify_recipients(
    *, subject_id: uuid.UUID, category: str, request: RightsRequest, actor: Actor
) -> int:
    """Record a correction notice to each recipient who received the category (Art. 19)."""
    received = Disclosure.objects.filter(subject_id=subject_id).exclude(
        reference__startswith="correction:"
    )
    recipients = {
        (d.recipient_kind, d.recipient): d
        for d in received.order_by("at")
        if category in (d.categories or [])
    }
    return sum(_notice(d, category, request, actor) for d in recipients.values())


def _notice(disclosure: Disclosure, category: str, request: RightsRequest, actor: Actor) -> int:
    """Record the notice to one recipient; 0 when the profile no longer lets it receive any."""
    try:
        disclose(
            subject=disclosure.subject,
            recipient_kind=disclosure.recipient_kind,
            recipient=disclosure.recipient,
            categories=[category],
            ground=DisclosureGround.LEGAL_OBLIGATION,
            reference=f"correction:{request.reference}",
            actor=actor,
        )
    except DisclosureRefused:
        return 0
    return 1
