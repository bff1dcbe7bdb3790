"""Stored sessions: the database keeps a hash of each session key, never the key itself.

The session key is the secret the browser's cookie holds. Django's database sessions store it
as the row's primary key, so whoever read the data database (or a backup) could sign in as
anyone signed in, past the second factor. Here a row is found by :func:`session_key_digest` of
the cookie's key, and its data is sealed under a key derived from the cookie's key too (see
``clientvault.accounts.sessionstore``): a row neither signs anyone in nor says what the
session holds (the login, an authenticator's secret during enrolment, new recovery codes).
"""

from __future__ import annotations

import hashlib

from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


def session_key_digest(session_key: str) -> str:
    """SHA-256 of a session key, hex: how the database names a session.

    A session key is 32 random characters of 36 (165 bits), so an unkeyed hash suffices:
    nobody can find a key from its digest by trying keys. Being unkeyed, it stays valid when
    ``SECRET_KEY`` or the master key changes.
    """
    return hashlib.sha256(session_key.encode()).hexdigest()


class StoredSession(AbstractBaseSession):
    """A session, named by the digest of its key; its data is sealed under that key.

    There is no ``get_decoded()``: the data opens only with the cookie's key, through
    ``SessionStore(session_key)``.
    """

    session_key = None  # type: ignore[assignment]  # never stored: see key_digest
    key_digest = models.CharField(max_length=64, primary_key=True)

    class Meta:
        verbose_name = "session"

    def __str__(self) -> str:
        return self.key_digest
