"""Sealing a background job's arguments, so the job table never holds them in clear.

A job that must carry what someone typed (the identifier of a reset request) seals it with a
key derived from ``SECRET_KEY``; the worker opens it (a key in ``SECRET_KEY_FALLBACKS`` still
opens what was sealed before a rotation). Each payload carries a random ``id``, which makes the
job's effect happen once however often it runs.
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import cast

from django.conf import settings
from django.utils.crypto import salted_hmac

from clientvault.privacy import crypto

_SALT = "clientvault.accounts.mail"  # unchanged, so payloads queued before still open
_AAD = b"clientvault queued e-mail v1"


class SealedPayloadError(Exception):
    """A payload could not be opened (the secret key changed since it was sealed)."""


def _key(secret: str) -> bytes:
    return salted_hmac(_SALT, "payload key", secret=secret, algorithm="sha256").digest()


def new_payload_id() -> str:
    return uuid.uuid4().hex


def seal_payload(payload: dict[str, object]) -> str:
    blob = crypto.seal(_key(settings.SECRET_KEY), json.dumps(payload).encode(), _AAD)
    return base64.urlsafe_b64encode(blob).decode()


def open_payload(sealed: str) -> dict[str, object]:
    blob = base64.urlsafe_b64decode(sealed.encode())
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        try:
            return cast(dict[str, object], json.loads(crypto.unseal(_key(secret), blob, _AAD)))
        except crypto.SealError:
            continue
    raise SealedPayloadError("a queued job cannot be opened: the secret key changed since")


def payload_id(payload: dict[str, object]) -> str:
    found = payload.get("id")
    if not isinstance(found, str) or not found:
        raise SealedPayloadError("a queued job has no id: it was not sealed by seal_payload")
    return found
