"""A login's subject: every login has one, for which its data is sealed in the vault."""

from __future__ import annotations

from django.db import transaction

from clientvault.accounts.models import User
from clientvault.privacy.models import Subject
from clientvault.privacy.services.subjects import create_subject


def ensure_subject(user: User) -> Subject:
    """The login's subject, created (and linked) if the login has none yet (e.g. staff)."""
    if user.subject_id is not None and user.subject is not None:
        return user.subject
    with transaction.atomic():
        subject = create_subject(actor=user)
        user.subject = subject
        user.save(update_fields=["subject"])
    return subject
