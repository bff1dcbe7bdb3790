"""The organisation behind an organisation account: its name, VAT and company numbers."""

from __future__ import annotations

import re
import uuid

from django.db import models

from clientvault.accounts.models.customers import Customer
from clientvault.privacy.fields import BlindIndexField, VaultField, normalise_text
from clientvault.privacy.models import Subject

WORD = re.compile(r"\w+")


def name_words(name: str) -> list[str]:
    """The words staff can find an organisation by, normalised as blind indexes are, once each
    ("Orbit Analytics Ltd." -> orbit, analytics, ltd)."""
    return list(dict.fromkeys(WORD.findall(normalise_text(name))))


class Organisation(models.Model):
    """An organisation account's details, sealed in the vault for the account owner's subject.

    An organisation is not a data subject, but its name and numbers often name a person (a sole
    trader's business), so they are kept like a person's data: sealed, erased with the owner,
    and found by staff only through the blind indexes of the name's words
    (:class:`OrganisationNameToken`). Only organisation accounts have one.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="organisation")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    name = VaultField()
    vat_number = VaultField()
    company_number = VaultField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"organisation of {self.customer_id}"


class OrganisationNameToken(models.Model):
    """One word of an organisation's name, sealed, and its keyed blind index for staff search."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="name_tokens"
    )
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    word = VaultField()
    word_index = BlindIndexField(source="word", normaliser="text")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "word_index"],
                condition=models.Q(word_index__isnull=False),
                name="organisation_word_once",
            )
        ]
