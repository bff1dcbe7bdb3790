"""The vault: per-subject data keys wrapped by the master key, kept in the key store.

Values are sealed with the subject's data key (AES-256-GCM); the associated data binds each
ciphertext to its model, field and row. Destroying a subject's key (crypto-shredding) makes every
value of that subject, in the live database and in every backup, read as :data:`ERASED`.

Unwrapped data keys are cached per thread for ``CLIENTVAULT_KEY_CACHE_SECONDS`` (10 by default),
so a key destroyed by another process stops opening values here within that time; a key destroyed
by this thread stops at once.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import threading
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from clientvault.privacy import crypto
from clientvault.privacy.crypto import Keyring, MasterKeyError, SealError
from clientvault.privacy.models import MasterKeyVersion, SubjectKey, SystemKey
from clientvault.privacy.routers import KEYSTORE_ALIAS

TOKEN_PREFIX = "cv1:"
INDEX_KEY_NAME = "blind-index"
_MAX_CACHED_KEYS = 10_000
_REWRAP_BATCH = 500


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


def _key_file() -> Path | None:
    path = settings.CLIENTVAULT_MASTER_KEY_FILE
    return Path(path) if path else None


def _keyring_source() -> str:
    path = _key_file()
    return f"master key file {path}" if path else "CLIENTVAULT_MASTER_KEY"


def pending_keyring_path(path: Path) -> Path:
    """Where a rotation puts the new ring before re-wrapping (see :func:`rotate_key_file`)."""
    return path.with_name(path.name + ".next")


def _read_file(path: Path) -> str:
    try:
        return path.read_text()
    except OSError as error:
        raise MasterKeyError(f"master key file {path} cannot be read: {error.strerror}") from None


def _read_key_file(path: Path) -> str:
    if not path.exists() and not settings.CLIENTVAULT_DEV_KEYS:
        raise MasterKeyError(f"master key file {path} does not exist")
    return _read_file(path)


def _read_keyring_text() -> str:
    path = _key_file()
    if path is None:
        return str(settings.CLIENTVAULT_MASTER_KEY)
    _finish_interrupted_rotation(path)
    if not path.exists() and settings.CLIENTVAULT_DEV_KEYS:
        write_keyring_file(path, Keyring({1: crypto.new_key()}))
    return _read_key_file(path)


def check_master_key_source() -> None:
    """Read and parse the configured key ring, without the key store (run at start-up).

    A missing, unreadable or malformed source raises :class:`MasterKeyError` naming it; the
    development key file alone may be missing (it is made on first use).
    """
    path = _key_file()
    if path is not None and settings.CLIENTVAULT_DEV_KEYS and not path.exists():
        return
    text = str(settings.CLIENTVAULT_MASTER_KEY) if path is None else _read_key_file(path)
    crypto.parse_keyring(text, _keyring_source())


def _finish_interrupted_rotation(path: Path) -> None:
    """A ring left beside the key file by a rotation replaces it once that rotation committed.

    Committed means the key store records the side file's newest version with its fingerprint;
    until then the side file is left alone (its rotation failed, or runs elsewhere right now).
    """
    pending = pending_keyring_path(path)
    if not pending.exists():
        return
    new = crypto.parse_keyring(_read_file(pending), f"master key file {pending}")
    if not _is_recorded(new):
        return
    if path.exists():
        old = crypto.parse_keyring(_read_file(path), f"master key file {path}")
        if not old.keys.items() <= new.keys.items():
            raise MasterKeyError(
                f"{pending} (left by an interrupted rotation) does not extend {path}; "
                "keep the one the key store matches and remove the other"
            )
    with contextlib.suppress(FileNotFoundError):  # another process may have finished it
        os.replace(pending, path)
    _sync_directory(path.parent)


def write_keyring_file(path: Path, keyring: Keyring) -> None:
    """Replace a key file atomically and durably, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(keyring.serialise())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _sync_directory(path.parent)


def _sync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@lru_cache(maxsize=1)
def keyring() -> Keyring:
    """The master key ring, checked against the fingerprints the key store has recorded.

    Only the first run (an empty key store) records the ring's newest version; after that a new
    version is recorded by :func:`rotate_master_key` alone, so a wrong key that merely carries a
    higher version number is refused instead of taking over the key store.
    """
    source = _keyring_source()
    ring = crypto.parse_keyring(_read_keyring_text(), source)
    known = _check_against_store(ring, source)
    if known:
        _require_known_newest(ring, known, source)
    else:
        _register_current(ring, source)  # the first run
    return ring


def _require_known_newest(ring: Keyring, known: dict[int, str], source: str) -> None:
    if ring.current_version not in known:
        raise MasterKeyError(
            f"{source}: master key version {ring.current_version} is not known to the key store "
            f"(its newest is version {max(known)}); to move to a new master key run `clientvault "
            "keys rotate` while the ring the key store knows is still set (docs/deployment.md, "
            "Keys); otherwise this is a wrong key"
        )


def _known_fingerprints() -> dict[int, str]:
    return dict(MasterKeyVersion.objects.values_list("version", "fingerprint"))


def _is_recorded(ring: Keyring) -> bool:
    fingerprint = crypto.fingerprint(ring.current)
    return MasterKeyVersion.objects.filter(
        version=ring.current_version, fingerprint=fingerprint
    ).exists()


def _check_against_store(ring: Keyring, source: str) -> dict[int, str]:
    """Refuse a ring that contradicts the store; return the store's versions and fingerprints."""
    known = _known_fingerprints()
    for version, key in sorted(ring.keys.items()):
        if version in known and known[version] != crypto.fingerprint(key):
            raise MasterKeyError(
                f"{source}: version {version} does not match the key store (its fingerprint "
                f"starts {crypto.fingerprint(key)[:8]}, the store's {known[version][:8]}): "
                "wrong master key?"
            )
    newest = max(known, default=0)
    if newest > ring.current_version:
        raise MasterKeyError(
            f"the key store has moved to master key version {newest}, but {source} goes only "
            f"to version {ring.current_version}: install the key ring of the last rotation"
        )
    return known


def _register_current(ring: Keyring, source: str) -> None:
    fingerprint = crypto.fingerprint(ring.current)
    row, _ = MasterKeyVersion.objects.get_or_create(
        version=ring.current_version, defaults={"fingerprint": fingerprint}
    )
    if row.fingerprint != fingerprint:
        raise MasterKeyError(
            f"{source}: version {ring.current_version} does not match the key store"
        )


def _newest_known_version() -> int:
    newest: int | None = MasterKeyVersion.objects.aggregate(newest=Max("version"))["newest"]
    return newest or 0


def next_master_version() -> int:
    """The version number a new master key gets: newer than the ring's and the store's."""
    return max(keyring().current_version, _newest_known_version()) + 1


def _wrapping_ring() -> Keyring:
    """The ring to wrap new keys under; never a version the key store has rotated away from."""
    ring = keyring()
    if _newest_known_version() > ring.current_version:
        keyring.cache_clear()  # rotated by another process: read the ring again, or refuse
        ring = keyring()
    return ring


def reset_caches() -> None:
    """Forget cached keys (after rotation, in tests)."""
    keyring.cache_clear()
    system_key.cache_clear()
    _local.__dict__.clear()


def _wrap(key: bytes, aad: str) -> tuple[bytes, int]:
    ring = _wrapping_ring()
    return crypto.seal(ring.current, key, aad.encode()), ring.current_version


def _unwrap(wrapped: bytes | memoryview, version: int, aad: str) -> bytes:
    ring = keyring()
    if version not in ring.keys:
        keyring.cache_clear()  # a rotation elsewhere may have installed a newer ring
        ring = keyring()
    return _open_wrapped(ring, _keyring_source(), wrapped, version, aad)


def _open_wrapped(
    ring: Keyring, source: str, wrapped: bytes | memoryview, version: int, aad: str
) -> bytes:
    master = ring.key(version, source)
    try:
        return crypto.unseal(master, bytes(wrapped), aad.encode())
    except SealError:
        raise MasterKeyError(
            f"a wrapped key ({aad}) does not open under master key version {version} of {source}"
        ) from None


# --- subject data keys -----------------------------------------------------------------------

_local = threading.local()


def _key_cache() -> dict[uuid.UUID, tuple[float, bytes | None]]:
    cache: dict[uuid.UUID, tuple[float, bytes | None]] | None = getattr(_local, "keys", None)
    if cache is None or len(cache) >= _MAX_CACHED_KEYS:
        cache = _local.keys = {}
    return cache


def _remember(subject_id: uuid.UUID, key: bytes | None, *, forever: bool = False) -> None:
    seconds = float(getattr(settings, "CLIENTVAULT_KEY_CACHE_SECONDS", 10))
    _key_cache()[subject_id] = (float("inf") if forever else time.monotonic() + seconds, key)


def _subject_aad(subject_id: uuid.UUID) -> str:
    return f"subject-key:{subject_id}"


def create_subject_key(subject_id: uuid.UUID) -> None:
    """Create the subject's data key (idempotent; never again once destroyed)."""
    _key_cache().pop(subject_id, None)
    if SubjectKey.objects.filter(subject_id=subject_id).exists():
        return
    key = crypto.new_key()
    wrapped, version = _wrap(key, _subject_aad(subject_id))
    try:
        with transaction.atomic(using=KEYSTORE_ALIAS):
            SubjectKey.objects.create(
                subject_id=subject_id, wrapped=wrapped, master_version=version
            )
    except IntegrityError:
        return  # made at the same moment elsewhere
    if not transaction.get_connection(KEYSTORE_ALIAS).in_atomic_block:
        _remember(subject_id, key)  # committed: safe to seal under


def subject_key(subject_id: uuid.UUID) -> bytes | None:
    """The subject's data key, or None once destroyed (or never made)."""
    cached = _key_cache().get(subject_id)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    row = SubjectKey.objects.filter(subject_id=subject_id).first()
    if row is None or row.wrapped is None:
        _remember(subject_id, None, forever=row is not None)
        return None
    key = _unwrap(row.wrapped, row.master_version, _subject_aad(subject_id))
    _remember(subject_id, key)
    return key


def destroy_subject_key(subject_id: uuid.UUID) -> bool:
    """Crypto-shred: destroy the subject's key. True if a live key was destroyed.

    Idempotent. A subject without a key gets a destroyed one, so that none is made later.
    """
    now = timezone.now()
    with transaction.atomic(using=KEYSTORE_ALIAS):
        count = SubjectKey.objects.filter(subject_id=subject_id, wrapped__isnull=False).update(
            wrapped=None, destroyed_at=now
        )
        if not count:
            SubjectKey.objects.get_or_create(
                subject_id=subject_id,
                defaults={"wrapped": None, "destroyed_at": now, "master_version": 0},
            )
    _remember(subject_id, None, forever=True)
    return count > 0


def destroyed_subject_ids() -> list[uuid.UUID]:
    """Every subject whose key is destroyed (erased subjects)."""
    return list(
        SubjectKey.objects.filter(wrapped__isnull=True).values_list("subject_id", flat=True)
    )


# --- sealing values --------------------------------------------------------------------------


def encrypt(subject_id: uuid.UUID, aad: str, plaintext: str) -> str:
    """Seal ``plaintext`` for the subject, bound to ``aad``; the key is made on first use."""
    key = subject_key(subject_id)
    if key is None:
        create_subject_key(subject_id)  # a no-op once the key was destroyed
        key = subject_key(subject_id)
    if key is None:
        raise CorruptValue(f"{aad}: subject {subject_id} is erased (its key is destroyed)")
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
        raise CorruptValue(f"{aad}: the stored value is not a vault ciphertext")
    try:
        blob = base64.b64decode(token[len(TOKEN_PREFIX) :], validate=True)
    except binascii.Error:
        raise CorruptValue(f"{aad}: the stored ciphertext is damaged (not base64)") from None
    try:
        return crypto.unseal(key, blob, aad.encode()).decode()
    except SealError as error:
        raise CorruptValue(
            f"{aad}: {error} (altered, truncated, or moved from another field or row)"
        ) from None
    except UnicodeDecodeError:
        raise CorruptValue(f"{aad}: the opened value is not text") from None


# --- blind indexes ---------------------------------------------------------------------------


@lru_cache(maxsize=4)
def system_key(name: str) -> bytes:
    """A system key (made on first use), kept wrapped in the key store, never with the data."""
    return stored_key(name)


def stored_key(name: str) -> bytes:
    """The key ``name`` from the key store, made on first use; never cached in the process.

    For keys that are deleted on a schedule (the daily pseudonym salts of
    :mod:`clientvault.privacy.salts`): once its row is gone, the key is gone.
    """
    aad = f"system-key:{name}"
    row = SystemKey.objects.filter(name=name).first()
    if row is None:
        wrapped, version = _wrap(crypto.new_key(), aad)
        row, _ = SystemKey.objects.get_or_create(
            name=name, defaults={"wrapped": wrapped, "master_version": version}
        )
    return _unwrap(row.wrapped, row.master_version, aad)


def blind_index(scope: str, normalised: str) -> str:
    """A keyed hash for exact lookups; the key is apart from the data and the master key."""
    return crypto.keyed_hash(system_key(INDEX_KEY_NAME), scope, normalised)


# --- rotation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rotation:
    version: int
    rewrapped: int


def rotate_master_key(new_ring: Keyring, source: str = "the new key ring") -> int:
    """Re-wrap every live key under ``new_ring``'s newest version; the data is not touched.

    Keys open under the current ring or ``new_ring``; the new version must be newer than any the
    key store has seen. All or nothing: one transaction on the key store.
    """
    old = keyring()
    newest = max(_newest_known_version(), old.current_version)
    if new_ring.current_version <= newest:
        raise MasterKeyError(
            f"{source}: its newest version {new_ring.current_version} must be newer than "
            f"version {newest}; add the new key as v{newest + 1}:<base64 key>"
        )
    opener = old.merged(new_ring, _keyring_source(), source)
    with transaction.atomic(using=KEYSTORE_ALIAS):
        _check_against_store(new_ring, source)
        _register_current(new_ring, source)
        count = _rewrap_subject_keys(opener, new_ring) + _rewrap_system_keys(opener, new_ring)
    reset_caches()
    return count


def _rewrap_subject_keys(opener: Keyring, new: Keyring) -> int:
    count = 0
    stale = Q(wrapped__isnull=False) & ~Q(master_version=new.current_version)
    while rows := [*SubjectKey.objects.select_for_update().filter(stale)[:_REWRAP_BATCH]]:
        for row in rows:
            _rewrap(row, _subject_aad(row.subject_id), opener, new)
        SubjectKey.objects.bulk_update(rows, ["wrapped", "master_version"])
        count += len(rows)
    return count


def _rewrap_system_keys(opener: Keyring, new: Keyring) -> int:
    rows = [*SystemKey.objects.select_for_update().exclude(master_version=new.current_version)]
    for row in rows:
        _rewrap(row, f"system-key:{row.name}", opener, new)
    SystemKey.objects.bulk_update(rows, ["wrapped", "master_version"])
    return len(rows)


def _rewrap(row: SubjectKey | SystemKey, aad: str, opener: Keyring, new: Keyring) -> None:
    assert row.wrapped is not None
    key = _open_wrapped(opener, "the key rings", row.wrapped, row.master_version, aad)
    row.wrapped = crypto.seal(new.current, key, aad.encode())
    row.master_version = new.current_version


def rotate_key_file() -> Rotation:
    """Rotate the development key file: a new version is added, everything re-wrapped under it.

    Crash order: the new ring goes to a side file first; the re-wrap commits; then the side file
    replaces the key file. A crash in between leaves the side file, which the next start adopts
    (it holds every old version too, so it opens keys wrapped before or after).
    """
    path = _key_file()
    if path is None or not settings.CLIENTVAULT_DEV_KEYS:
        raise MasterKeyError(
            "only the development key file is rotated in place; give the new key ring "
            "with --new-key-file"
        )
    new_ring = keyring().with_new_version(next_master_version())
    pending = pending_keyring_path(path)
    write_keyring_file(pending, new_ring)
    try:
        count = rotate_master_key(new_ring, f"master key file {pending}")
    except BaseException:
        # Committed or not? The new version is recorded in the same transaction as the re-wrap.
        if not MasterKeyVersion.objects.filter(version=new_ring.current_version).exists():
            pending.unlink(missing_ok=True)  # nothing was re-wrapped: the old ring stays right
        raise
    with contextlib.suppress(FileNotFoundError):  # another process adopted it since the commit
        os.replace(pending, path)
    _sync_directory(path.parent)
    reset_caches()
    return Rotation(new_ring.current_version, count)


# --- status ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionStatus:
    version: int
    fingerprint: str
    in_ring: bool
    subject_keys: int
    system_keys: int


@dataclass(frozen=True)
class KeyStatus:
    source: str
    ring_versions: tuple[int, ...]
    current_version: int
    versions: tuple[VersionStatus, ...]
    live_keys: int
    destroyed_keys: int


def key_status() -> KeyStatus:
    """What the key store holds, per master key version; checks the ring against it first."""
    ring = keyring()
    live = SubjectKey.objects.filter(wrapped__isnull=False)
    subject_counts = dict(live.values_list("master_version").annotate(n=Count("id")))
    system_counts = dict(SystemKey.objects.values_list("master_version").annotate(n=Count("id")))
    versions = tuple(
        VersionStatus(
            version=row.version,
            fingerprint=row.fingerprint,
            in_ring=row.version in ring.keys,
            subject_keys=subject_counts.get(row.version, 0),
            system_keys=system_counts.get(row.version, 0),
        )
        for row in MasterKeyVersion.objects.order_by("version")
    )
    return KeyStatus(
        source=_keyring_source(),
        ring_versions=tuple(sorted(ring.keys)),
        current_version=ring.current_version,
        versions=versions,
        live_keys=live.count(),
        destroyed_keys=SubjectKey.objects.filter(wrapped__isnull=True).count(),
    )
