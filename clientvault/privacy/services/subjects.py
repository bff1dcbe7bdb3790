"""Creating subjects: a row in the data database and a data key in the key store."""

from __future__ import annotations

from django.db import transaction

from clientvault.privacy import vault
from clientvault.privacy.actors import Actor
from clientvault.privacy.models import Subject
from clientvault.privacy.services.audit import record_event


def create_subject(*, actor: Actor | None) -> Subject:
    """A new subject with its own data key. The key comes first: an orphan key is harmless."""
    subject = Subject()
    vault.create_subject_key(subject.id)
    with transaction.atomic():
        subject.save()
        record_event(action="subject.created", actor=actor, subject_id=subject.id, obj=subject)
    return subject


def get_subject(*, reference: str) -> Subject:
    """The subject with this public reference; a clear error when there is none."""
    subject = Subject.objects.filter(reference=reference.strip().upper()).first()
    if subject is None:
        raise Subject.DoesNotExist(f"no subject with reference {reference!r}")
    return subject
