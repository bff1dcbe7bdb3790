"""Validation of contact data with libraries, per country: phonenumbers, email-validator.

Postal codes: no maintained offline library covers every country's format, so the common
formats are checked here and other countries get a length and character check.
"""

from __future__ import annotations

import re

import phonenumbers
import pycountry
from django.core.exceptions import ValidationError
from email_validator import EmailNotValidError, validate_email

POSTAL_CODES = {
    "US": r"\d{5}(-\d{4})?",
    "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
    "DE": r"\d{5}",
    "FR": r"\d{5}",
    "NL": r"\d{4} ?[A-Z]{2}",
    "IE": r"[A-Z]\d[\dW] ?[A-Z\d]{4}",
    "CA": r"[A-Z]\d[A-Z] ?\d[A-Z]\d",
    "AU": r"\d{4}",
    "ES": r"\d{5}",
    "IT": r"\d{5}",
    "SE": r"\d{3} ?\d{2}",
    "DK": r"\d{4}",
    "BE": r"\d{4}",
    "AT": r"\d{4}",
    "CH": r"\d{4}",
    "PL": r"\d{2}-\d{3}",
}


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


def clean_postal_code(value: str, country: str) -> str:
    code = " ".join(value.strip().upper().split())
    pattern = POSTAL_CODES.get(country.upper(), r"[A-Z\d][A-Z\d -]{1,9}")
    if not re.fullmatch(pattern, code):
        raise ValidationError(f"This is not a valid postal code for {country}.")
    return code
