"""Small helpers for the vault, key and backup tests."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.db import connections

from clientvault.privacy import crypto, vault
from clientvault.privacy.models import Subject
from tests.kernelapp.models import Contact


def make_contact(*, name: str, email: str, card: str = "", subject: Subject | None = None):
    subject = subject or Subject.objects.create()
    return Contact.objects.create(subject=subject, name=name, email=email, card_number=card)


def reload(contact: Contact) -> Contact:
    """The row read afresh, with every cached key forgotten."""
    vault.reset_caches()
    return Contact.objects.get(pk=contact.pk)


def _pk(contact: Contact):
    return Contact._meta.pk.get_db_prep_value(contact.pk, connections["default"])


def raw_column(contact: Contact, column: str) -> str:
    """What the database holds, read past the ORM."""
    with connections["default"].cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM kernelapp_contact WHERE id = %s", [_pk(contact)])
        return cursor.fetchone()[0]


def set_raw_column(contact: Contact, column: str, value: str) -> None:
    """Write straight into the database (a copied ciphertext, or damage)."""
    with connections["default"].cursor() as cursor:
        cursor.execute(
            f"UPDATE kernelapp_contact SET {column} = %s WHERE id = %s", [value, _pk(contact)]
        )


def write_ring(path: Path, keys: dict[int, bytes]) -> crypto.Keyring:
    ring = crypto.Keyring(keys)
    vault.write_keyring_file(path, ring)
    return ring


def wipe_data_database() -> None:
    """Empty the data database as a fresh `migrate` leaves it (content types, permissions)."""
    connections["default"].check_constraints()  # fire deferred checks before TRUNCATE (PG)
    call_command("flush", database="default", interactive=False, verbosity=0)
