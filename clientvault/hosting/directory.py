"""Hosting's contact book for the kernel's directory: domain contacts who are on no account.

An outside technical contact has no login; the public rights form finds them by name and
e-mail address (through the contact's blind index, never a scan) and sends their code to the
address on record here.
"""

from __future__ import annotations

import uuid

from clientvault.hosting.models import DomainContact
from clientvault.privacy.directory import Contact
from clientvault.privacy.fields import BlindIndexField, normalise_text


def _index(email: str) -> str | None:
    field = DomainContact._meta.get_field("email_index")
    assert isinstance(field, BlindIndexField)
    return field.index(email.strip())


class DomainContactBook:
    def contact(self, subject_id: uuid.UUID) -> Contact | None:
        found = DomainContact.objects.filter(subject_id=subject_id, subject__erased_at=None)
        contact = found.order_by("-updated_at").first()
        if contact is None or not str(contact.email or ""):
            return None
        name = str(contact.name or "") or str(contact.organisation or "")
        return Contact(name=name, email=str(contact.email), phone=str(contact.phone or ""))

    def match(self, *, name: str, email: str) -> uuid.UUID | None:
        digest = _index(email)
        if digest is None or not name.strip():
            return None
        found = DomainContact.objects.filter(email_index=digest, subject__erased_at=None)
        for contact in found.order_by("-updated_at"):
            if normalise_text(str(contact.name or "")) == normalise_text(name):
                return contact.subject_id
        return None
