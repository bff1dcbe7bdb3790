"""The vault: per-subject data keys wrapped by the master key, kept in the key store.

Values are sealed with the subject's data key (AES-256-GCM); the associated data binds each
ciphertext to its model, field and row. Destroying a subject's key (crypto-shredding) makes every
value of that subject, in the live database and in every backup, read as :data:`ERASED`.
"""

from __future__ import annotations

import base64
import threading
import uuid
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clientvault.privacy import crypto
from clientvault.privacy.crypto import Keyring, MasterKeyError, SealError
from clientvault.privacy.models import MasterKeyVersion, SubjectKey, SystemKey
from clientvault.privacy.routers import KEYSTORE_ALIAS

TOKEN_PREFIX = "cv1:"
INDEX_KEY_NAME = "blind-index"


class Erased(str):
    """What a value reads as once its subject's key is destroyed: a marker, never an error."""

    def __new__(cls) -> Erased:
        return super().__new__(cls, "[erased]")


class Restricted(str):
    """What a restricted field reads as outside :func:`clientvault.privacy.reveal.reveal`."""

    def __new__(cls) -> Restricted:
        return super().__new__(cls, "[restricted]")


ERASED = Erased()
RESTRICTED = Restricted()


class CorruptValue(Exception):
    """A stored ciphertext is malformed or does not authenticate where it stands."""


# --- master key ring -------------------------------------------------------------------------


def _keyring_source() -> str:
    path: Path | None = settings.CLIENTVAULT_MASTER_KEY_FILE
    return f"master key file {path}" if path else "CLIENTVAULT_MASTER_KEY"


def _read_keyring_text() -> str:
    path: Path | None = settings.CLIENTVAULT_MASTER_KEY_FILE
    if path is None:
        return str(settings.CLIENTVAULT_MASTER_KEY)
    if not path.exists():
        if not settings.CLIENTVAULT_DEV_KEYS:
            raise MasterKeyError(f"master key file {path} does not exist")
        write_keyring_file(path, Keyring({1: crypto.new_key()}))
    try:
        return path.read_text()
    except OSError as error:
        raise MasterKeyError(f"master key file {path} cannot be read: {error.strerror}") from None


def write_keyring_file(path: Path, keyring: Keyring) -> None:
    """Replace a key file atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(keyring.serialise())
    tmp.chmod(0o600)
    tmp.replace(path)


@lru_cache(maxsize=1)
def keyring() -> Keyring:
    """The master key ring, checked against the fingerprints the key store has recorded."""
    ring = crypto.parse_keyring(_read_keyring_text(), _keyring_source())
    _check_fingerprints(ring)
    return ring


def _check_fingerprints(ring: Keyring) -> None:
    known = dict(MasterKeyVersion.objects.values_list("version", "fingerprint"))
    for version, key in ring.keys.items():
        if version in known and known[version] != crypto.fingerprint(key):
            raise MasterKeyError(
                f"{_keyring_source()} version {version} does not match the key store "
                "(wrong master key?)"
            )
    current = ring.current_version
    if current not in known:
        MasterKeyVersion.objects.get_or_create(
            version=current, defaults={"fingerprint": crypto.fingerprint(ring.current)}
        )


def reset_caches() -> None:
    """Forget cached keys (after rotation, in tests, at the end of a request)."""
    keyring.cache_clear()
    _index_key.cache_clear()
    _local.__dict__.clear()


def _wrap(key: bytes, aad: str) -> tuple[bytes, int]:
    ring = keyring()
    return crypto.seal(ring.current, key, aad.encode()), ring.current_version


def _unwrap(wrapped: bytes | memoryview, version: int, aad: str) -> bytes:
    master = keyring().key(version, _keyring_source())
    try:
        return crypto.unseal(master, bytes(wrapped), aad.encode())
    except SealError:
        raise MasterKeyError(
            f"a wrapped key ({aad}) does not open under master key version {version}"
        ) from None


# --- subject data keys -----------------------------------------------------------------------

_local = threading.local()


def _key_cache() -> dict[uuid.UUID, bytes | None]:
    cache: dict[uuid.UUID, bytes | None] | None = getattr(_local, "keys", None)
    if cache is None:
        cache = _local.keys = {}
    return cache


def _subject_aad(subject_id: uuid.UUID) -> str:
    return f"subject-key:{subject_id}"


def create_subject_key(subject_id: uuid.UUID) -> None:
    """Create the subject's data key (idempotent)."""
    if SubjectKey.objects.filter(subject_id=subject_id).exists():
        return
    key = crypto.new_key()
    wrapped, version = _wrap(key, _subject_aad(subject_id))
    SubjectKey.objects.create(subject_id=subject_id, wrapped=wrapped, master_version=version)
    _key_cache()[subject_id] = key


def subject_key(subject_id: uuid.UUID) -> bytes | None:
    """The subject's data key, or None once destroyed (or never made)."""
    cache = _key_cache()
    if subject_id not in cache:
        row = SubjectKey.objects.filter(subject_id=subject_id).first()
        if row is None or row.wrapped is None:
            cache[subject_id] = None
        else:
            cache[subject_id] = _unwrap(row.wrapped, row.master_version, _subject_aad(subject_id))
    return cache[subject_id]


def destroy_subject_key(subject_id: uuid.UUID) -> bool:
    """Crypto-shred: destroy the subject's key. True if a live key was destroyed."""
    with transaction.atomic(using=KEYSTORE_ALIAS):
        count = SubjectKey.objects.filter(subject_id=subject_id, wrapped__isnull=False).update(
            wrapped=None, destroyed_at=timezone.now()
        )
    _key_cache()[subject_id] = None
    return count > 0


# --- sealing values --------------------------------------------------------------------------


def encrypt(subject_id: uuid.UUID, aad: str, plaintext: str) -> str:
    key = subject_key(subject_id)
    if key is None:
        raise CorruptValue(f"subject {subject_id} has no data key (erased): nothing can be stored")
    blob = crypto.seal(key, plaintext.encode(), aad.encode())
    return TOKEN_PREFIX + base64.b64encode(blob).decode()


def decrypt(subject_id: uuid.UUID | None, aad: str, token: str) -> str:
    """Open a sealed value; :data:`ERASED` when the subject's key is gone."""
    if subject_id is None:
        return ERASED
    key = subject_key(subject_id)
    if key is None:
        return ERASED
    if not token.startswith(TOKEN_PREFIX):
        raise CorruptValue(f"{aad}: stored value is not a vault ciphertext")
    try:
        blob = base64.b64decode(token[len(TOKEN_PREFIX) :], validate=True)
        return crypto.unseal(key, blob, aad.encode()).decode()
    except (ValueError, SealError):
        raise CorruptValue(
            f"{aad}: ciphertext does not authenticate (altered, or moved from another field or row)"
        ) from None


# --- blind indexes ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _index_key() -> bytes:
    aad = f"system-key:{INDEX_KEY_NAME}"
    row = SystemKey.objects.filter(name=INDEX_KEY_NAME).first()
    if row is None:
        wrapped, version = _wrap(crypto.new_key(), aad)
        row, _ = SystemKey.objects.get_or_create(
            name=INDEX_KEY_NAME, defaults={"wrapped": wrapped, "master_version": version}
        )
    return _unwrap(row.wrapped, row.master_version, aad)


def blind_index(scope: str, normalised: str) -> str:
    """A keyed hash for exact lookups; the key is apart from the data and the master key."""
    return crypto.keyed_hash(_index_key(), scope, normalised)


# --- rotation --------------------------------------------------------------------------------


def rotate_master_key(new_ring: Keyring) -> int:
    """Re-wrap every live key under ``new_ring``'s newest version; the data is not touched."""
    old = keyring()
    count = 0
    with transaction.atomic(using=KEYSTORE_ALIAS):
        _check_fingerprints(new_ring)
        rows = [*SubjectKey.objects.select_for_update().filter(wrapped__isnull=False)]
        for subject_row in rows:
            count += _rewrap(subject_row, _subject_aad(subject_row.subject_id), old, new_ring)
        for system_row in SystemKey.objects.select_for_update():
            count += _rewrap(system_row, f"system-key:{system_row.name}", old, new_ring)
    reset_caches()
    return count


def _rewrap(row: SubjectKey | SystemKey, aad: str, old: Keyring, new: Keyring) -> int:
    assert row.wrapped is not None
    master = old.key(row.master_version, _keyring_source())
    key = crypto.unseal(master, bytes(row.wrapped), aad.encode())
    row.wrapped = crypto.seal(new.current, key, aad.encode())
    row.master_version = new.current_version
    row.save(update_fields=["wrapped", "master_version"])
    return 1
