"""What the system holds about one subject, by category, from the inventory (Art. 15(1)).

For each installed, declared model with a subject path, one ``EXISTS`` query says whether the
subject has rows there; the categories of those models' personal fields are then described as
the record of processing describes them (purposes, retention, legal basis, recipients).
"""

from __future__ import annotations

import uuid

from django.db import models

from clientvault.privacy.inventory import registry
from clientvault.privacy.record import Category, build_record


def _installed(label: str) -> type[models.Model] | None:
    declaration = registry.get(label)
    try:
        return declaration.model if declaration else None
    except LookupError:
        return None


def labels_held(*, subject_id: uuid.UUID) -> set[str]:
    """The models holding at least one row of the subject."""
    found = set()
    for declaration in registry:
        model = _installed(declaration.label)
        if model is None or not declaration.subject:
            continue
        rows = model._base_manager.filter(**{declaration.subject: subject_id})
        if rows.exists():
            found.add(declaration.label)
    return found


def categories_held(*, subject_id: uuid.UUID) -> list[Category]:
    """The record's categories, each narrowed to where the subject's data actually is."""
    held = labels_held(subject_id=subject_id)
    found = []
    for category in build_record()["categories"]:
        places = [h for h in category["held_in"] if h["model"] in held]
        if places:
            found.append(Category(**{**category, "held_in": places}))
    return found
