"""The operator's policy profile: one TOML file of choices the code enforces.

A malformed profile stops start-up with one line naming the file, the line and the key::

    policy profile /etc/clientvault/policy.toml, line 14, sharing.partners: must be one of
    never, opt-out, opt-in (got 'sometimes')

Unknown sections and keys are refused too, so that a misspelt key cannot silently fall back to a
default. The presets in ``presets/`` reproduce each stance of the seed policies.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import phonenumbers
from django.conf import settings
from email_validator import EmailNotValidError, validate_email

from clientvault.privacy import billing_rules, legal_rules, rights_rules, traffic_rules
from clientvault.privacy.billing_rules import BillingRules, parse_billing
from clientvault.privacy.brand import Brand, BrandError, parse_brand
from clientvault.privacy.legal_rules import BreachRules, LegalRules, parse_breach, parse_legal
from clientvault.privacy.rights_rules import RightsRules, parse_rights
from clientvault.privacy.taxonomy import CATEGORIES, SENSITIVE_PREFIX, Purpose, is_restricted
from clientvault.privacy.traffic_rules import TrafficRules, parse_traffic

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
# Why staff may open customer records with no caller to check (the back-office channel), each
# with the purpose it serves. ``[back_office]`` grants them per staff role, and only a reason
# whose purpose ``[roles]`` grants that same role; a role not listed there always works with a
# caller, and so with an identity check.
BACK_OFFICE_REASONS: dict[str, str] = {
    "billing_run": Purpose.BILLING.value,
    "privacy_request": Purpose.LEGAL_OBLIGATION.value,
    "legal_request": Purpose.LEGAL_OBLIGATION.value,
}
NOT_STAFF_ROLES = ("customer", "system")
# The grounds of acceptable-use review a profile may list (REV-1), with what the author is told.
ACCEPTABLE_USE_GROUNDS: dict[str, str] = {
    "spam": "unsolicited bulk or commercial messages",
    "malware": "malicious software or links to it",
    "phishing": "phishing or impersonation",
    "harassment": "harassment, threats or hate",
    "illegal_content": "content that is illegal to publish",
    "infringement": "infringing someone else's rights",
    "personal_data": "publishing someone else's personal data",
}
# Periods the kernel's own models expire by; every profile must set them.
RETENTION_KEYS = (
    "sessions",
    "login_history",
    "task_results",
    "api_tokens",
    "consent_history",
    "disclosures",
    "policy_acceptances",
    "audit_log",
    "client_log",
    "profile_history",
    "identity_checks",
    "throttle",
    "invitations",
    "security_reports",
    "unconfirmed_signups",
    "messages",
    "invoices",
    "tickets",
    "forum",
    "visit_rows",
)
# Sections with a fixed set of keys; [retention], [roles] and [back_office] take any key.
KEYS: dict[str, tuple[str, ...]] = {
    "operator": ("name", "address", "privacy_contact", "website"),
    "storage": ("country", "location", "transfers_outside_eea", "safeguards", "transfer_reasons"),
    "sharing": (
        "sell",
        "partners",
        "affiliates_need_to_know",
        "registrar",
        "registry_public",
        "payment_processor",
        "partner",
    ),
    "marketing": ("default", "opt_out_address", "reseller_newsletters", "reseller_opt_out_address"),
    "communications": ("grounds",),
    "security": ("customer_2fa_required",),
    "support": ("email", "phone"),
    "review": ("grounds", "reviewers"),
    "retention": (),
    "roles": (),
    "back_office": (),
    "brand": (),  # its keys are checked by clientvault.privacy.brand
    "rights": rights_rules.KEYS,
    "billing": billing_rules.KEYS,
    "legal": legal_rules.LEGAL_KEYS,
    "breach": legal_rules.BREACH_KEYS,
    "traffic": traffic_rules.KEYS,
}
_REQUIRED = object()


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
    storage_location: str
    transfers_outside_eea: bool
    transfer_safeguards: tuple[str, ...]
    transfer_reasons: tuple[str, ...]
    partners: str
    affiliates_need_to_know: bool
    registrar_categories: tuple[str, ...]
    registry_public: bool
    processor_categories: tuple[str, ...]
    partner_categories: tuple[str, ...]
    marketing_default: str
    marketing_opt_out_address: str
    reseller_newsletters: bool
    reseller_opt_out_address: str
    communication_grounds: tuple[str, ...]
    customer_2fa_required: bool
    retention: dict[str, int]
    roles: dict[str, tuple[str, ...]]
    back_office: dict[str, tuple[str, ...]]
    brand: Brand
    # [support]: where customers reach support; the telephone number in E.164 (+442079460000).
    support_email: str
    support_phone: str
    # [review]: the grounds on which a communication may be reviewed, hidden, deleted or blocked
    # (REV-1: breaking the acceptable-use policy, nothing else), and the staff roles who may.
    review_grounds: tuple[str, ...] = tuple(ACCEPTABLE_USE_GROUNDS)
    reviewers: tuple[str, ...] = ("administrator",)
    # [rights]: deadlines and verification of data-subject requests (all optional).
    rights: RightsRules = field(default_factory=RightsRules)
    # [billing]: the operator's tax country and VAT number, currency, numbering, terms.
    billing: BillingRules = field(default_factory=BillingRules)
    # [legal]: what an emergency request may receive, reminders, links and preservation.
    legal: LegalRules = field(default_factory=LegalRules)
    # [breach]: the regulator's clock and name, and the channels people are told by (SEC-4).
    breach: BreachRules = field(default_factory=BreachRules)
    # [traffic]: k-anonymity of published figures, the visit timeout, how long visit rows stay.
    traffic: TrafficRules = field(default_factory=TrafficRules)

    @property
    def support_phone_display(self) -> str:
        """The support number as people read and dial it: ``+44 20 7946 0000``."""
        number = phonenumbers.parse(self.support_phone, None)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)

    def purposes_for(self, roles: set[str]) -> set[str]:
        return {p for role in roles for p in self.roles.get(role, ())}

    def back_office_reasons_for(self, roles: set[str]) -> set[str]:
        """The reasons for work without a caller that one of ``roles`` is granted itself."""
        return {reason for role in roles for reason in self.back_office.get(role, ())}

    @property
    def staff_roles(self) -> list[str]:
        """The roles staff act in: all but ``customer`` and ``system`` (see actors.actor_roles)."""
        return sorted(set(self.roles) - {"customer", "system"})


def _line_of(text: str, section: str, key: str | None) -> int:
    """The 1-based line of ``key`` in ``[section]``, else of the section itself, else 1.

    A section given as a single value (``security = 1``) is found as a top-level key.
    """
    current, found = "", 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([^\]]+?)\s*\]", stripped)
        if header:
            current = header.group(1)
            found = number if current == section else found
        elif current == section and key and _assigns(stripped, key):
            return number
        elif current == "" and not found and _assigns(stripped, section):
            found = number
    return found or 1


def _assigns(line: str, key: str) -> bool:
    return re.match(rf"^\"?{re.escape(key)}\"?\s*=", line) is not None


class _Reader:
    def __init__(self, path: Path, text: str, data: dict[str, Any]) -> None:
        self.path, self.text, self.data = path, text, data

    def fail(self, section: str, key: str | None, message: str) -> ProfileError:
        """An error at ``section.key``; a key that is absent is placed at its section header."""
        line = _line_of(self.text, section, key)
        name = f"{section}.{key}" if key else f"[{section}]"
        return ProfileError(f"policy profile {self.path}, line {line}, {name}: {message}")

    def section(self, name: str) -> dict[str, Any]:
        if name not in self.data:
            raise ProfileError(f"policy profile {self.path}, [{name}]: section is missing")
        value = self.data[name]
        if not isinstance(value, dict):
            raise self.fail(name, None, "must be a section, not a single value")
        return value

    def get(
        self, section: str, key: str, check: Callable[[Any], str | None], default: Any = _REQUIRED
    ) -> Any:
        if default is not _REQUIRED and section not in self.data:
            return default
        table = self.section(section)
        if key not in table:
            if default is _REQUIRED:
                raise self.fail(section, key, "key is missing")
            return default
        problem = check(table[key])
        if problem:
            raise self.fail(section, key, f"{problem} (got {table[key]!r})")
        return tuple(table[key]) if isinstance(table[key], list) else table[key]

    def refuse_unknown(self) -> None:
        for section in self.data:
            if section not in KEYS:
                raise self.fail(section, None, f"unknown section (known: {', '.join(KEYS)})")
            table = self.section(section)
            unknown = [k for k in table if KEYS[section] and k not in KEYS[section]]
            if unknown:
                raise self.fail(section, unknown[0], "unknown key")


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


def _url(value: Any) -> str | None:
    ok = isinstance(value, str) and re.fullmatch(r"https?://[^\s/\"'<>]+(/[^\s\"'<>]*)?", value)
    return None if ok else "must be a web address starting with https:// or http://"


def _country(value: Any) -> str | None:
    ok = isinstance(value, str) and re.fullmatch(r"[A-Z]{2}", value)
    return None if ok else "must be a two-letter ISO 3166 country code"


def _false(value: Any) -> str | None:
    return (
        None if value is False else "must be false: personal data is never sold, leased or rented"
    )


def _categories(*, restricted_ok: bool) -> Callable[[Any], str | None]:
    """A list of taxonomy categories; sensitive ones are never released to anyone."""
    known = _list_of(tuple(CATEGORIES), "category")

    def check(value: Any) -> str | None:
        problem = known(value)
        if problem:
            return problem
        for category in value:
            if category.startswith(SENSITIVE_PREFIX):
                return f"sensitive data ({category}) is never released"
            if is_restricted(category) and not restricted_ok:
                return f"restricted data ({category}) is never released to partners"
        return None

    return check


def _days(reader: _Reader) -> dict[str, int]:
    table = reader.section("retention")
    for key, value in table.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise reader.fail(
                "retention", key, f"must be a positive whole number of days (got {value!r})"
            )
    missing = [key for key in RETENTION_KEYS if key not in table]
    if missing:
        raise reader.fail("retention", missing[0], "key is missing")
    return dict(table)


def _roles(reader: _Reader) -> dict[str, tuple[str, ...]]:
    table = reader.section("roles")
    check = _list_of(tuple(Purpose.values), "purpose")
    for key, value in table.items():
        problem = check(value)
        if problem:
            raise reader.fail("roles", key, f"{problem} (got {value!r})")
    return {role: tuple(purposes) for role, purposes in table.items()}


def _back_office(r: _Reader, roles: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """[back_office]: role = [reasons]; optional, and without it no role works without a caller."""
    table = r.section("back_office") if "back_office" in r.data else {}
    check = _list_of(tuple(BACK_OFFICE_REASONS), "reason")
    for role, reasons in table.items():
        problem = check(reasons) or _back_office_problem(role, reasons, roles)
        if problem:
            raise r.fail("back_office", role, f"{problem} (got {reasons!r})")
    return {role: tuple(reasons) for role, reasons in table.items()}


def _back_office_problem(role: str, reasons: list[str], roles: dict[str, tuple[str, ...]]) -> str:
    if role in NOT_STAFF_ROLES or role not in roles:
        return "must be a staff role of [roles]"
    for reason in reasons:
        purpose = BACK_OFFICE_REASONS[reason]
        if purpose not in roles[role]:
            return f"reason {reason!r} serves the purpose {purpose!r}, which [roles] does not grant"
    return ""


def _storage(r: _Reader) -> dict[str, Any]:
    country = r.get("storage", "country", _country)
    fields = {
        "storage_country": country,
        "storage_location": r.get("storage", "location", _text, country),
        "transfers_outside_eea": r.get("storage", "transfers_outside_eea", _bool),
        "transfer_safeguards": r.get("storage", "safeguards", _list_of(None, "safeguard"), ()),
        "transfer_reasons": r.get(
            "storage", "transfer_reasons", _list_of(TRANSFER_REASONS, "reason"), ()
        ),
    }
    if fields["transfers_outside_eea"]:
        for key, name in (("transfer_safeguards", "safeguards"), ("transfer_reasons", "reasons")):
            if not fields[key]:
                raise r.fail("storage", name, "transfers outside the EEA need at least one")
    return fields


def _sharing(r: _Reader) -> dict[str, Any]:
    r.get("sharing", "sell", _false, False)
    mode = r.get("sharing", "partners", _one_of(PARTNER_MODES))
    partner = r.get("sharing", "partner", _categories(restricted_ok=False), ())
    if mode == "never" and partner:
        raise r.fail("sharing", "partner", "must be empty when sharing.partners is 'never'")
    if mode != "never" and not partner:
        raise r.fail("sharing", "partner", f"must name what partners receive in mode {mode!r}")
    return {
        "partners": mode,
        "partner_categories": partner,
        "affiliates_need_to_know": r.get("sharing", "affiliates_need_to_know", _bool, False),
        "registrar_categories": r.get("sharing", "registrar", _categories(restricted_ok=True)),
        "registry_public": r.get("sharing", "registry_public", _bool, True),
        "processor_categories": r.get(
            "sharing", "payment_processor", _categories(restricted_ok=True)
        ),
    }


def _marketing(r: _Reader) -> dict[str, Any]:
    opt_out = r.get("marketing", "opt_out_address", _email)
    return {
        "marketing_default": r.get("marketing", "default", _one_of(MARKETING_DEFAULTS)),
        "marketing_opt_out_address": opt_out,
        "reseller_newsletters": r.get("marketing", "reseller_newsletters", _bool, False),
        "reseller_opt_out_address": r.get("marketing", "reseller_opt_out_address", _email, opt_out),
    }


def _phone(value: Any) -> str | None:
    """A telephone number in international format (the profile has no country to read it in)."""
    try:
        number = phonenumbers.parse(str(value), None)
    except phonenumbers.NumberParseException:
        number = None
    if isinstance(value, str) and number is not None and phonenumbers.is_valid_number(number):
        return None
    return "must be a telephone number in international format, e.g. +44 20 7946 0000"


def _support(r: _Reader) -> dict[str, Any]:
    """[support]: the e-mail address and telephone number the site gives for support."""
    phone = phonenumbers.parse(r.get("support", "phone", _phone), None)
    return {
        "support_email": r.get("support", "email", _email),
        "support_phone": phonenumbers.format_number(phone, phonenumbers.PhoneNumberFormat.E164),
    }


def _review(r: _Reader, roles: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    """[review] (optional): the acceptable-use grounds and the roles that review."""
    staff = [role for role in roles if role not in NOT_STAFF_ROLES]
    return {
        "review_grounds": r.get(
            "review",
            "grounds",
            _list_of(ACCEPTABLE_USE_GROUNDS, "ground"),
            tuple(ACCEPTABLE_USE_GROUNDS),
        ),
        "reviewers": r.get("review", "reviewers", _list_of(staff, "role"), ("administrator",)),
    }


def _operator(r: _Reader) -> dict[str, Any]:
    return {
        "operator_name": r.get("operator", "name", _text),
        "operator_address": r.get("operator", "address", _text),
        "privacy_contact": r.get("operator", "privacy_contact", _email),
        "website": r.get("operator", "website", _url),
    }


def _brand(r: _Reader, operator_name: str, country: str) -> Brand:
    """[brand]: optional; the operator's name, the default accent and the storage country
    without it."""
    table = r.section("brand") if "brand" in r.data else {}
    try:
        return parse_brand(
            table, folder=r.path.parent, operator_name=operator_name, country=country
        )
    except BrandError as error:
        raise r.fail("brand", error.key, str(error)) from None


def _rights(r: _Reader) -> RightsRules:
    rules, problem = parse_rights(r.section("rights") if "rights" in r.data else {})
    if problem:
        raise r.fail("rights", problem[0], problem[1])
    return rules


def _billing(r: _Reader, storage_country: str) -> BillingRules:
    table = r.section("billing") if "billing" in r.data else {}
    rules, problem = parse_billing(table, storage_country=storage_country)
    if problem:
        raise r.fail("billing", problem[0], problem[1])
    return rules


def _legal(r: _Reader) -> LegalRules:
    rules, problem = parse_legal(r.section("legal") if "legal" in r.data else {})
    if problem:
        raise r.fail("legal", problem[0], problem[1])
    return rules


def _breach(r: _Reader) -> BreachRules:
    rules, problem = parse_breach(r.section("breach") if "breach" in r.data else {})
    if problem:
        raise r.fail("breach", problem[0], problem[1])
    return rules


def _traffic(r: _Reader) -> TrafficRules:
    rules, problem = parse_traffic(r.section("traffic") if "traffic" in r.data else {})
    if problem:
        raise r.fail("traffic", problem[0], problem[1])
    return rules


def _decode(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        at = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
        if at:
            line, where = at.group(1), f" (column {at.group(2)})"
        else:
            line, where = str(max(1, len(text.splitlines()))), ""
        reason = re.sub(r"\s*\(at [^)]*\)$", "", message)
        raise ProfileError(f"policy profile {path}, line {line}: {reason}{where}") from None


def parse_profile(path: Path, text: str) -> Profile:
    r = _Reader(path, text, _decode(path, text))
    r.refuse_unknown()
    roles = _roles(r)
    operator, storage = _operator(r), _storage(r)
    return Profile(
        path=path,
        **operator,
        **storage,
        **_sharing(r),
        **_marketing(r),
        communication_grounds=r.get(
            "communications", "grounds", _list_of(COMMUNICATION_GROUNDS, "ground")
        ),
        customer_2fa_required=r.get("security", "customer_2fa_required", _bool, False),
        retention=_days(r),
        roles=roles,
        back_office=_back_office(r, roles),
        **_support(r),
        **_review(r, roles),
        brand=_brand(r, operator["operator_name"], storage["storage_country"]),
        rights=_rights(r),
        billing=_billing(r, storage["storage_country"]),
        legal=_legal(r),
        breach=_breach(r),
        traffic=_traffic(r),
    )


def load_profile(path: Path) -> Profile:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(f"policy profile {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise ProfileError(f"policy profile {path} cannot be read: {reason}") from None
    return parse_profile(path, text)


@lru_cache(maxsize=1)
def current_profile() -> Profile:
    return load_profile(Path(settings.CLIENTVAULT_POLICY))
