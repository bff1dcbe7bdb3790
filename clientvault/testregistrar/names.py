"""Domain names: their structure, and the names the test registrar treats specially.

The checks are structural only (the registrar's side of the wire; clientvault checks IDNA 2008
before it calls): at most 253 characters, a second-level name under a known TLD, each label 1 to
63 letters, digits and hyphens, not starting or ending with a hyphen, and "--" in third and
fourth place only for ``xn--`` labels whose Punycode decodes.

Names with a meaning here (the first label decides, after any ``slow-`` or ``down-`` switch):

- taken, registered at another registrar with an auth code nobody knows: ``example.com``,
  ``example.net``, ``example.org``, ``taken.test`` and any ``taken-*``;
- at another registrar, transferable with the code ``EPP-good-123``: ``transfer-me.com`` and any
  ``transfer-*``; ``old-code.net``'s code ``EPP-expired-9`` has expired;
- ``slow-*``: registering or transferring it is done at once but answered only after the
  configured delay (a client that gives up must retry with the same Idempotency-Key);
- ``down-*``: registering, transferring, renewing it or changing its contacts answers 503.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clientvault.testregistrar.errors import ApiError
from clientvault.testregistrar.tlds import TLDS, Tld

GOOD_CODE = "EPP-good-123"
EXPIRED_CODE = "EPP-expired-9"
TAKEN = frozenset({"example.com", "example.net", "example.org", "taken.test"})
TRANSFERABLE = {"transfer-me.com": GOOD_CODE, "old-code.net": EXPIRED_CODE}
EXPIRED_CODES = frozenset({EXPIRED_CODE})
SLOW, DOWN = "slow-", "down-"

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def _invalid(message: str) -> ApiError:
    return ApiError(422, "invalid_name", message)


def _check_label(label: str) -> None:
    if not 1 <= len(label) <= 63:
        raise _invalid("Each part of a domain name must be 1 to 63 characters long.")
    if not _LABEL.fullmatch(label):
        raise _invalid(
            "A domain name may hold only letters, digits and hyphens, and no part may start "
            "or end with a hyphen."
        )
    if label[2:4] == "--":
        if not label.startswith("xn--"):
            raise _invalid("Only xn-- labels may have hyphens in third and fourth place.")
        try:
            decoded = label[4:].encode("ascii").decode("punycode")
        except UnicodeError:
            decoded = ""
        if decoded.isascii() or not decoded.isprintable():
            raise _invalid("An xn-- label of the domain name is not valid Punycode.")


def parse(name: object) -> tuple[str, Tld]:
    """The name in lower case and its TLD's policy; ApiError when it cannot be registered."""
    if not isinstance(name, str) or not name:
        raise _invalid("A domain name is required.")
    name = name.lower()
    if len(name) > 253:
        raise _invalid("A domain name may be at most 253 characters long.")
    labels = name.split(".")
    if len(labels) != 2:
        raise _invalid("Only a name directly under the top-level domain can be registered.")
    for label in labels:
        _check_label(label)
    tld = TLDS.get(labels[-1])
    if tld is None:
        raise ApiError(422, "unsupported_tld", "This registrar does not offer that TLD.")
    return name, tld


def stem(name: str) -> str:
    """The name without its failure switch: ``slow-taken-a.com`` is ``taken-a.com``."""
    for switch in (SLOW, DOWN):
        name = name.removeprefix(switch)
    return name


def is_slow(name: str) -> bool:
    return name.startswith(SLOW)


def is_down(name: str) -> bool:
    return name.startswith(DOWN)


@dataclass(frozen=True)
class Elsewhere:
    """A domain held at another registrar: its auth code, "" when nobody knows it."""

    auth_code: str

    @property
    def code_expired(self) -> bool:
        return self.auth_code in EXPIRED_CODES


def elsewhere(name: str) -> Elsewhere | None:
    """The domain at another registrar by this name, or None when nobody holds it."""
    plain = stem(name)
    if plain in TRANSFERABLE:
        return Elsewhere(TRANSFERABLE[plain])
    if plain.startswith("transfer-"):
        return Elsewhere(GOOD_CODE)
    if plain in TAKEN or plain.startswith("taken-"):
        return Elsewhere("")
    return None
