"""Primitives of the vault: the master key ring and AES-256-GCM sealing.

A key ring is text of entries ``v<N>:<base64 key>`` separated by commas, spaces or newlines (a
bare base64 key is version 1). Data keys are wrapped under the newest version; older versions
only unwrap until ``clientvault keys rotate`` has re-wrapped everything.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
_ENTRY = re.compile(r"^(?:v(?P<version>\d+):)?(?P<key>[A-Za-z0-9+/=_-]+)$")


class MasterKeyError(Exception):
    """The master key is missing, malformed or does not match the key store."""


class SealError(Exception):
    """A sealed value does not authenticate: altered, truncated or moved."""


@dataclass(frozen=True)
class Keyring:
    keys: dict[int, bytes]

    def __post_init__(self) -> None:
        if not self.keys:
            raise MasterKeyError("a key ring needs at least one key")

    @property
    def current_version(self) -> int:
        return max(self.keys)

    @property
    def current(self) -> bytes:
        return self.keys[self.current_version]

    def key(self, version: int, source: str) -> bytes:
        try:
            return self.keys[version]
        except KeyError:
            raise MasterKeyError(
                f"master key version {version} is not in {source}; add it back to unwrap keys"
            ) from None

    def serialise(self) -> str:
        return "\n".join(format_entry(v, k) for v, k in sorted(self.keys.items())) + "\n"

    def with_new_version(self, version: int) -> Keyring:
        """This ring plus a fresh random key as ``version`` (which must be newer)."""
        if version <= self.current_version:
            raise MasterKeyError(f"version {version} is not newer than v{self.current_version}")
        return Keyring({**self.keys, version: new_key()})

    def merged(self, other: Keyring, source: str, other_source: str) -> Keyring:
        """Both rings' keys, for unwrapping; a version they share must hold the same key."""
        for version in sorted(self.keys.keys() & other.keys.keys()):
            if not hmac.compare_digest(self.keys[version], other.keys[version]):
                raise MasterKeyError(
                    f"version {version} holds different keys in {source} and {other_source}"
                )
        return Keyring({**self.keys, **other.keys})


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def format_entry(version: int, key: bytes) -> str:
    return f"v{version}:{base64.b64encode(key).decode()}"


def _decode(text: str, source: str, number: int) -> bytes:
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=False)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise MasterKeyError(f"{source}: entry {number} is not a base64-encoded 32-byte key")
    return raw


def parse_keyring(text: str, source: str) -> Keyring:
    entries = [e for e in re.split(r"[\s,]+", text.strip()) if e]
    if not entries:
        raise MasterKeyError(f"{source} is empty: it must hold a base64-encoded 32-byte key")
    keys: dict[int, bytes] = {}
    for number, entry in enumerate(entries, start=1):
        match = _ENTRY.match(entry)
        if match is None:
            raise MasterKeyError(f"{source}: entry {number} is not of the form v<N>:<base64 key>")
        version = int(match["version"] or 1)
        if version in keys:
            raise MasterKeyError(f"{source}: version {version} appears twice")
        keys[version] = _decode(match["key"].replace("-", "+").replace("_", "/"), source, number)
    return Keyring(keys)


def fingerprint(key: bytes) -> str:
    """A check value that identifies a key without revealing it."""
    return hmac.new(key, b"clientvault master key fingerprint", hashlib.sha256).hexdigest()


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def unseal(key: bytes, blob: bytes, aad: bytes) -> bytes:
    if len(blob) < NONCE_BYTES + 16:
        raise SealError("sealed value is truncated")
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except InvalidTag:
        raise SealError("sealed value does not authenticate") from None


def keyed_hash(key: bytes, scope: str, value: str) -> str:
    return hmac.new(key, f"{scope}\x00{value}".encode(), hashlib.sha256).hexdigest()
