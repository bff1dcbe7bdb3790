"""The operator's policy profile: one TOML file of choices the code enforces.

A malformed profile stops start-up with the file, line and key named::

    policy profile /etc/clientvault/policy.toml, line 14, sharing.partners: must be one of
    never, opt-out, opt-in (got 'sometimes')
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from email_validator import EmailNotValidError, validate_email

from clientvault.privacy.taxonomy import CATEGORIES, Purpose

PRESETS_DIR = Path(__file__).resolve().parent / "presets"
PARTNER_MODES = ("never", "opt-out", "opt-in")
MARKETING_DEFAULTS = ("opt-in", "opt-out")
COMMUNICATION_GROUNDS = (
    "provide_service",
    "legitimate_interest",
    "legal_process",
    "inadvertent_crime",
)
TRANSFER_REASONS = ("storage", "contract", "legal_obligation", "legitimate_interest")


class ProfileError(Exception):
    """The profile is unreadable or invalid; the message names file, line and key."""


@dataclass(frozen=True)
class Profile:
    path: Path
    operator_name: str
    operator_address: str
    privacy_contact: str
    website: str
    storage_country: str
    transfers_outside_eea: bool
    transfer_safeguards: tuple[str, ...]
    transfer_reasons: tuple[str, ...]
    partners: str
    affiliates_need_to_know: bool
    registrar_categories: tuple[str, ...]
    processor_categories: tuple[str, ...]
    partner_categories: tuple[str, ...]
    marketing_default: str
    marketing_opt_out_address: str
    reseller_newsletters: bool
    communication_grounds: tuple[str, ...]
    customer_2fa_required: bool
    retention: dict[str, int]
    roles: dict[str, tuple[str, ...]]

    def purposes_for(self, roles: set[str]) -> set[str]:
        return {p for role in roles for p in self.roles.get(role, ())}


def _line_of(text: str, section: str, key: str | None) -> int:
    """The 1-based line of ``key`` in ``[section]`` (or the section header), 1 if not found."""
    current, header_line = "", 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([^\]]+?)\s*\]", stripped)
        if header:
            current = header.group(1)
            header_line = number if current == section else header_line
        elif current == section and key and re.match(rf"^\"?{re.escape(key)}\"?\s*=", stripped):
            return number
    return header_line or 1


class _Reader:
    def __init__(self, path: Path, text: str, data: dict[str, Any]) -> None:
        self.path, self.text, self.data = path, text, data

    def fail(self, section: str, key: str | None, message: str) -> ProfileError:
        line = _line_of(self.text, section, key)
        name = f"{section}.{key}" if key else f"[{section}]"
        return ProfileError(f"policy profile {self.path}, line {line}, {name}: {message}")

    def section(self, name: str) -> dict[str, Any]:
        value = self.data.get(name)
        if not isinstance(value, dict):
            raise self.fail(name, None, "section is missing")
        return value

    def get(
        self, section: str, key: str, check: Callable[[Any], str | None], default: Any = ...
    ) -> Any:
        table = self.section(section)
        if key not in table:
            if default is ...:
                raise self.fail(section, None, f"key {key!r} is missing")
            return default
        problem = check(table[key])
        if problem:
            raise self.fail(section, key, f"{problem} (got {table[key]!r})")
        return tuple(table[key]) if isinstance(table[key], list) else table[key]


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be non-empty text"


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _one_of(options: tuple[str, ...]) -> Callable[[Any], str | None]:
    return lambda v: None if v in options else f"must be one of {', '.join(options)}"


def _list_of(options: Collection[str] | None, what: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return "must be a list of text"
        unknown = [v for v in value if options is not None and v not in options]
        return f"unknown {what} {unknown[0]!r}" if unknown else None

    return check


def _email(value: Any) -> str | None:
    try:
        validate_email(str(value), check_deliverability=False)
    except EmailNotValidError:
        return "must be an e-mail address"
    return None


def _country(value: Any) -> str | None:
    ok = isinstance(value, str) and re.fullmatch(r"[A-Z]{2}", value)
    return None if ok else "must be a two-letter ISO 3166 country code"


def _false(value: Any) -> str | None:
    return (
        None if value is False else "must be false: personal data is never sold, leased or rented"
    )


def _days(reader: _Reader) -> dict[str, int]:
    table = reader.section("retention")
    for key, value in table.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise reader.fail("retention", key, f"must be a whole number of days (got {value!r})")
    return dict(table)


def _roles(reader: _Reader) -> dict[str, tuple[str, ...]]:
    table = reader.section("roles")
    check = _list_of(tuple(Purpose.values), "purpose")
    for key, value in table.items():
        problem = check(value)
        if problem:
            raise reader.fail("roles", key, f"{problem} (got {value!r})")
    return {role: tuple(purposes) for role, purposes in table.items()}


def _categories(what: str) -> Callable[[Any], str | None]:
    return _list_of(tuple(CATEGORIES), what)


def parse_profile(path: Path, text: str) -> Profile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"policy profile {path}: {error}") from None
    r = _Reader(path, text, data)
    r.get("sharing", "sell", _false, False)
    return Profile(
        path=path,
        operator_name=r.get("operator", "name", _text),
        operator_address=r.get("operator", "address", _text),
        privacy_contact=r.get("operator", "privacy_contact", _email),
        website=r.get("operator", "website", _text),
        storage_country=r.get("storage", "country", _country),
        transfers_outside_eea=r.get("storage", "transfers_outside_eea", _bool),
        transfer_safeguards=r.get("storage", "safeguards", _list_of(None, "safeguard"), ()),
        transfer_reasons=r.get(
            "storage", "transfer_reasons", _list_of(TRANSFER_REASONS, "reason"), ()
        ),
        partners=r.get("sharing", "partners", _one_of(PARTNER_MODES)),
        affiliates_need_to_know=r.get("sharing", "affiliates_need_to_know", _bool, False),
        registrar_categories=r.get("sharing", "registrar", _categories("category")),
        processor_categories=r.get("sharing", "payment_processor", _categories("category")),
        partner_categories=r.get("sharing", "partner", _categories("category"), ()),
        marketing_default=r.get("marketing", "default", _one_of(MARKETING_DEFAULTS)),
        marketing_opt_out_address=r.get("marketing", "opt_out_address", _email),
        reseller_newsletters=r.get("marketing", "reseller_newsletters", _bool, False),
        communication_grounds=r.get(
            "communications", "grounds", _list_of(COMMUNICATION_GROUNDS, "ground")
        ),
        customer_2fa_required=r.get("security", "customer_2fa_required", _bool, False),
        retention=_days(r),
        roles=_roles(r),
    )


def load_profile(path: Path) -> Profile:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(f"policy profile {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError(f"policy profile {path} cannot be read: {error}") from None
    return parse_profile(path, text)


@lru_cache(maxsize=1)
def current_profile() -> Profile:
    return load_profile(Path(settings.CLIENTVAULT_POLICY))
