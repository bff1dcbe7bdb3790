"""The registrar interface: what clientvault asks of a domain registrar, whatever registrar.

Contact data reaches an adapter already cut down to what the policy profile's
``sharing.registrar`` categories allow (an empty string for anything else); the adapter sends
exactly what it is given. Calls that change something carry an idempotency key, so a retried
registration never registers twice. A call returns what the registrar now holds, or raises
:class:`RegistrarUnavailable` (no answer: try again later) or :class:`RegistrarRefused` (a
"no" with a ``code`` and a sentence: the name is taken, the auth code is wrong or expired).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

ROLES = ("registrant", "admin", "tech", "billing")


class RegistrarError(Exception):
    """A registrar call that did not succeed. ``reason`` is one sentence for people."""

    retryable = False

    def __init__(self, reason: str, *, code: str = "error") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class RegistrarUnavailable(RegistrarError):
    """Codes: ``timeout``, ``unreachable``, ``unavailable`` (a 5xx), ``garbled`` (an answer that
    cannot be read), ``unauthorized`` (the registrar refused our key: a set-up problem)."""

    retryable = True


class RegistrarRefused(RegistrarError):
    """Codes: ``taken``, ``invalid_name``, ``unsupported_tld``, ``auth_code_invalid``,
    ``auth_code_expired``, ``not_found``, ``id_protection_not_allowed``, ``invalid_contact``,
    ``invalid_years``."""


@dataclass(frozen=True)
class ContactData:
    """One domain contact as sent to the registrar; "" where the profile does not allow it."""

    name: str = ""
    organisation: str = ""
    email: str = ""
    phone: str = ""  # E.164
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    postal_code: str = ""
    region: str = ""
    country: str = ""  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class Availability:
    name: str
    available: bool
    reason: str = ""  # why not, when not


@dataclass(frozen=True)
class TldPolicy:
    """What a registry publishes (RDAP/WHOIS) and allows, for one top-level domain."""

    tld: str
    public_fields: tuple[str, ...]  # ContactData field names published for the registrant
    id_protection_allowed: bool
    min_years: int = 1
    max_years: int = 10


@dataclass(frozen=True)
class RegisteredDomain:
    name: str
    status: str  # "active", "pending_transfer", "expired"
    expires_on: datetime.date
    id_protection: bool


class Registrar(Protocol):
    key: str  # the setting value, e.g. "testregistrar"
    label: str  # the recipient named in the disclosure register

    def policy(self, tld: str) -> TldPolicy: ...

    def check(self, name: str) -> Availability: ...

    def register(
        self,
        *,
        name: str,
        years: int,
        contacts: Mapping[str, ContactData],
        id_protection: bool,
        idempotency_key: str,
    ) -> RegisteredDomain: ...

    def transfer(
        self,
        *,
        name: str,
        auth_code: str,
        contacts: Mapping[str, ContactData],
        idempotency_key: str,
    ) -> RegisteredDomain: ...

    def renew(self, *, name: str, years: int, idempotency_key: str) -> RegisteredDomain: ...

    def update_contacts(
        self, *, name: str, contacts: Mapping[str, ContactData], idempotency_key: str
    ) -> RegisteredDomain: ...

    def set_id_protection(self, *, name: str, enabled: bool) -> RegisteredDomain: ...

    def auth_code(self, *, name: str) -> str: ...

    def info(self, *, name: str) -> RegisteredDomain: ...
