"""What the system holds about one subject, by category, from the inventory (Art. 15(1)).

For each installed, declared model with a subject path, one ``EXISTS`` query says whether the
subject has rows there; the categories of those models' personal fields are then described as
the record of processing describes them (purposes, retention, legal basis, recipients).
"""

from __future__ import annotations

import uuid

from clientvault.privacy.inventory import Declaration
from clientvault.privacy.record import Category, build_record
from clientvault.privacy.services.export_records import exportable


def labels_held(*, subject_id: uuid.UUID) -> set[str]:
    """The models holding at least one row of the subject."""
    return {d.label for d in exportable() if _has_rows(d, subject_id)}


def _has_rows(declaration: Declaration, subject_id: uuid.UUID) -> bool:
    path = str(declaration.subject)  # exportable() gives only declarations with a subject path
    return declaration.model._base_manager.filter(**{path: subject_id}).exists()


def categories_held(*, subject_id: uuid.UUID) -> list[Category]:
    """The record's categories, each narrowed to where the subject's data actually is."""
    held = labels_held(subject_id=subject_id)
    found = []
    for category in build_record()["categories"]:
        places = [h for h in category["held_in"] if h["model"] in held]
        if places:
            found.append(Category(**{**category, "held_in": places}))
    return found
