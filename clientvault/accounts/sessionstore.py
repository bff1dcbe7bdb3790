"""The session engine (``SESSION_ENGINE``): Django's database sessions, minus the secret.

The browser's cookie holds the session key; the database holds neither it nor readable data:

- a row is named by :func:`~clientvault.accounts.models.sessions.session_key_digest` of the key
  (``StoredSession.key_digest``), so a key read from the database or a backup is a digest that
  names no session when sent back as a cookie;
- the session's data (the login and its password hash's HMAC, the verified second-factor
  device, an authenticator's secret while it is being enrolled, new recovery codes until they
  are shown, a password-reset token) is sealed with AES-256-GCM under a key derived from the
  session key, so only a request carrying the cookie can read it.

Everything else is Django's database engine: new keys at sign-in (``cycle_key``), expiry by
``expire_date``, ``clear_expired``. Ending a session deletes its row by digest (see
``accounts.services.sessions``). Session rows are left out of backups (``accounts/privacy.py``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

from clientvault.accounts.models.sessions import StoredSession, session_key_digest
from clientvault.privacy import crypto

DATA_KEY_LABEL = b"clientvault session data"
logger = logging.getLogger("django.security.SuspiciousSession")


def data_key(session_key: str) -> bytes:
    """The AES-256 key that seals a session's data: HMAC-SHA256 of a label under the session key.

    It is independent of the stored digest (a plain SHA-256 of the key), so the digest does not
    help to open the data.
    """
    return hmac.new(session_key.encode(), DATA_KEY_LABEL, hashlib.sha256).digest()


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls) -> type[StoredSession]:
        return StoredSession

    def _get_session_from_db(self) -> StoredSession | None:
        key = self.session_key
        if key is None:
            return None
        found = StoredSession.objects.filter(
            key_digest=session_key_digest(key), expire_date__gt=timezone.now()
        ).first()
        if found is None:
            self._session_key = None
        return found

    async def _aget_session_from_db(self) -> StoredSession | None:
        return await sync_to_async(self._get_session_from_db)()

    def exists(self, session_key: str) -> bool:
        return StoredSession.objects.filter(key_digest=session_key_digest(session_key)).exists()

    async def aexists(self, session_key: str) -> bool:
        return await sync_to_async(self.exists)(session_key)

    def create_model_instance(self, data: dict[str, Any]) -> StoredSession:
        key = self._get_or_create_session_key()  # type: ignore[attr-defined]  # Django's
        return StoredSession(
            key_digest=session_key_digest(key),
            session_data=self.encode(data),
            expire_date=self.get_expiry_date(),
        )

    async def acreate_model_instance(self, data: dict[str, Any]) -> StoredSession:
        return await sync_to_async(self.create_model_instance)(data)

    def delete(self, session_key: str | None = None) -> None:
        key = session_key or self.session_key
        if key is not None:
            StoredSession.objects.filter(key_digest=session_key_digest(key)).delete()

    async def adelete(self, session_key: str | None = None) -> None:
        await sync_to_async(self.delete)(session_key)

    # --- the data, sealed under the session key ---

    def encode(self, session_dict: dict[str, Any]) -> str:
        key = self.session_key
        if key is None:
            raise ValueError("a session's data is sealed under its key: create the key first")
        plain = self.serializer().dumps(session_dict)
        sealed = crypto.seal(data_key(key), plain, session_key_digest(key).encode())
        return base64.b64encode(sealed).decode()

    def decode(self, session_data: bytes | str) -> dict[str, Any]:
        key = self.session_key
        if key is None:
            return {}
        try:
            sealed = base64.b64decode(session_data, validate=True)
            plain = crypto.unseal(data_key(key), sealed, session_key_digest(key).encode())
            data: dict[str, Any] = self.serializer().loads(plain)
        except (binascii.Error, crypto.SealError, ValueError):
            logger.warning("Session data corrupted")
            return {}
        return data
