"""The four contacts of a domain, checked the way a registry checks them and kept as sent.

Every role (registrant, admin, tech, billing) must be there, with only the known fields, each a
string (missing means ""); nothing is trimmed or filled in, so an empty field stays empty. The
registrant needs a name or an organisation (all an operator may send under a profile that gives
the registrar names only, as seed 000's does). A phone, when given, is E.164
(``+`` and 7 to 15 digits); a country is two capital letters; an e-mail address has an ``@``.
"""

from __future__ import annotations

import re
from typing import Any

from clientvault.testregistrar.errors import ApiError
from clientvault.testregistrar.tlds import CONTACT_FIELDS, ROLES

MAX_FIELD = 255
_PHONE = re.compile(r"\+[1-9][0-9]{6,14}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_FORMATS = {
    "phone": (_PHONE, "must be in E.164 form: + and the country code, like +442079460000"),
    "country": (_COUNTRY, "must be an ISO 3166-1 code of two capital letters, like GB"),
    "email": (_EMAIL, "must be an e-mail address like name@example.com"),
}

Contacts = dict[str, dict[str, str]]


class ContactError(ApiError):
    def __init__(self, role: str, field: str, problem: str) -> None:
        where = f"The {role} contact's {field}" if field else f"The {role} contact"
        super().__init__(422, "invalid_contact", f"{where} {problem}.")
        self.field = f"{role}.{field}" if field else role

    def body(self) -> dict[str, Any]:
        answer = super().body()
        answer["error"]["field"] = self.field
        return answer


def parse_contacts(value: object) -> Contacts:
    """The contacts of a request, exactly as sent; ContactError naming the first problem."""
    if not isinstance(value, dict):
        raise ApiError(
            422,
            "invalid_contact",
            "contacts must be an object with the registrant, admin, tech and billing contacts.",
        )
    if set(value) - set(ROLES):
        raise ApiError(
            422, "invalid_contact", "contacts may hold only registrant, admin, tech and billing."
        )
    contacts = {role: _contact(role, value.get(role)) for role in ROLES}
    _check_registrant(contacts["registrant"])
    return contacts


def _contact(role: str, value: object) -> dict[str, str]:
    if value is None:
        raise ContactError(role, "", "is missing")
    if not isinstance(value, dict):
        raise ContactError(role, "", "must be an object of contact fields")
    if set(value) - set(CONTACT_FIELDS):
        known = ", ".join(CONTACT_FIELDS)
        raise ContactError(role, "", f"has a field this registrar does not know (known: {known})")
    return {field: _field(role, field, value.get(field, "")) for field in CONTACT_FIELDS}


def _field(role: str, field: str, value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ContactError(role, field, "must be text")
    if len(value) > MAX_FIELD:
        raise ContactError(role, field, f"is too long (at most {MAX_FIELD} characters)")
    if value and field in _FORMATS:
        pattern, problem = _FORMATS[field]
        if not pattern.fullmatch(value):
            raise ContactError(role, field, problem)
    return value


def _check_registrant(registrant: dict[str, str]) -> None:
    if not (registrant["name"].strip() or registrant["organisation"].strip()):
        raise ContactError("registrant", "name", "is required when there is no organisation")
