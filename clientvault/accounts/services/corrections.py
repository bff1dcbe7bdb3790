"""Correction by request (Art. 16): the inventory's updater for a person's fields.

A rights request names a field and a new value; staff approve it and the rights app calls
:func:`correct_person_field` through the inventory (``updater`` of ``accounts.Person``). The
change takes the profile's own path: the same validation, old -> new kept, the account logged.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError

from clientvault.accounts.models import Channel, Person
from clientvault.accounts.services.customers import EMAIL_BY_LINK, PERSON_FIELDS, update_person
from clientvault.privacy.actors import Actor

# Every field of a person a request may correct; the e-mail address changes only by its link.
CORRECTABLE = tuple(name for name in PERSON_FIELDS if name != "email")


def correct_person_field(
    *, subject_id: uuid.UUID, field: str, value: str, actor: Actor | None
) -> str:
    """Set one field of the subject's person record as a request asked; the old value."""
    if field == "email":
        raise ValidationError({"email": EMAIL_BY_LINK})
    if field not in CORRECTABLE:
        raise ValidationError({field: f"{field} cannot be corrected by a request."})
    person = Person.objects.filter(subject_id=subject_id).first()
    if person is None:
        raise ValidationError({field: "No person record is held for this subject."})
    old = str(getattr(person, field) or "")
    update_person(person=person, changes={field: value}, actor=actor, channel=Channel.STAFF)
    return old
