"""The directory: who a login is, which account a subject is on, and the address on record.

Apps above the accounts app (``rights``, ``legal``, ``incidents``) must not import it, yet they
need to know who is signed in, whom a name and e-mail address designate, and where a code goes.
The accounts app registers one :class:`Directory` at start-up (its ``ready``); the kernel holds
it, and those apps ask the kernel.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

from clientvault.privacy.actors import Actor


@dataclass(frozen=True)
class Identity:
    """A signed-in customer as the apps above accounts see them."""

    subject_id: uuid.UUID
    account: str  # the account number
    is_owner: bool
    permissions: tuple[str, ...] = ()
    display_name: str = ""
    # The people on the account, owner first: (subject id, display name, role label).
    people: tuple[tuple[uuid.UUID, str, str], ...] = field(default=())

    def may(self, permission: str) -> bool:
        return self.is_owner or permission in self.permissions


@dataclass(frozen=True)
class Contact:
    """Where a subject is reached: the address and number on record (never one a request gives)."""

    name: str
    email: str
    phone: str = ""


class Directory(Protocol):
    def identify(self, user: Any) -> Identity | None:
        """The customer a login belongs to; None for staff and logins without an account."""

    def contact(self, subject_id: uuid.UUID) -> Contact | None:
        """The name, e-mail address and phone number on record; None when none is held."""

    def match(self, *, name: str, email: str) -> uuid.UUID | None:
        """The subject whose e-mail on record is ``email`` and whose name is ``name``."""

    def account_subjects(self, account: str) -> list[uuid.UUID]:
        """The subjects of an account's people, owner first; [] for an unknown number."""

    def account_of(self, subject_id: uuid.UUID) -> str | None:
        """The number of the account the subject is a person on, if any."""

    def is_owner(self, subject_id: uuid.UUID) -> bool:
        """Whether the subject owns an account."""

    def close_account(self, *, account: str, actor: Actor, reason: str) -> bool:
        """Close the account (idempotent); False when it was closed already."""

    def password_recent(self, session: Any) -> bool:
        """Whether the signed-in person typed their password in the last few minutes."""

    def staff_contacts(self, role: str) -> list[tuple[uuid.UUID, str]]:
        """The subject and e-mail address of every active staff login in ``role``."""

    def closed_accounts(self, *, since: datetime.datetime) -> list[tuple[str, datetime.datetime]]:
        """Accounts closed since ``since`` and still closed: (number, when it was closed)."""


class DirectoryMissing(RuntimeError):
    """No app registered a directory: the accounts app is not installed."""


_registered: list[Directory] = []


def register_directory(directory: Directory) -> None:
    """Register the directory (once, from the accounts app's ``ready``)."""
    _registered[:] = [directory]


def directory() -> Directory:
    if not _registered:
        raise DirectoryMissing("no directory is registered: install clientvault.accounts")
    return _registered[0]


# -- people known outside any account ----------------------------------------------------------
# A domain's outside technical contact, say, is a subject with no login and no account. The app
# that holds them registers a contact book (in its ``ready``); the directory's ``contact`` and
# ``match`` ask the books when no person on an account answers, so the public rights form finds
# them and sends their code to the address on record.


class ContactBook(Protocol):
    def contact(self, subject_id: uuid.UUID) -> Contact | None: ...

    def match(self, *, name: str, email: str) -> uuid.UUID | None: ...


_books: list[ContactBook] = []


def register_contact_book(book: ContactBook) -> None:
    if book not in _books:
        _books.append(book)


def contact_in_books(subject_id: uuid.UUID) -> Contact | None:
    for book in _books:
        found = book.contact(subject_id)
        if found is not None:
            return found
    return None


def match_in_books(*, name: str, email: str) -> uuid.UUID | None:
    for book in _books:
        found = book.match(name=name, email=email)
        if found is not None:
            return found
    return None
