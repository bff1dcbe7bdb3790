"""Who holds an e-mail address: the subjects of every row the inventory says holds it.

Mail that comes in (a request to stop marketing, a complaint) names a person only by an
address. Apps above the kernel must not import one another's models to find them, so the
lookup goes through the inventory: every declared model with a ``VaultField`` of category
``user.contact.email`` and a ``BlindIndexField`` computed from it is searched by that index, and
each match is followed along its declaration's ``subject`` path. A new model that holds an
address is found as soon as it is declared, and an address that was erased (its index cleared)
is found nowhere.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import models

from clientvault.privacy import inventory as inv
from clientvault.privacy.fields import BlindIndexField, VaultField

EMAIL = "user.contact.email"


@dataclass(frozen=True)
class EmailIndex:
    """One searchable e-mail address column: its model, its index and the path to the subject."""

    model: type[models.Model]
    index: BlindIndexField
    subject_path: str

    def subject_ids(self, address: str) -> set[uuid.UUID]:
        digest = self.index.index(address)
        if digest is None:
            return set()
        rows = self.model._default_manager.filter(**{self.index.name: digest})
        found = rows.values_list(self.subject_path, flat=True).distinct()
        return {_as_uuid(value) for value in found if value is not None}


def _as_uuid(value: object) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _is_email(declaration: inv.Declaration, name: str) -> bool:
    spec = declaration.fields.get(name)
    return isinstance(spec, inv.Personal) and spec.category == EMAIL


def _indexes_of(declaration: inv.Declaration) -> Iterator[EmailIndex]:
    if declaration.subject is None:
        return
    model = declaration.model
    for field in model._meta.concrete_fields:
        if not isinstance(field, BlindIndexField) or not _is_email(declaration, field.source):
            continue
        if isinstance(model._meta.get_field(field.source), VaultField):
            yield EmailIndex(model, field, declaration.subject)


def email_indexes() -> list[EmailIndex]:
    """Every declared column that can find a subject by an e-mail address."""
    return [index for declaration in inv.registry for index in _indexes_of(declaration)]


def subjects_with_email(address: str) -> set[uuid.UUID]:
    """The ids of the subjects on record with ``address`` anywhere; empty for an unknown one."""
    found: set[uuid.UUID] = set()
    for index in email_indexes():
        found |= index.subject_ids(address)
    return found
