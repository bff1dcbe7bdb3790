"""Validation of an organisation's VAT and company registration numbers with python-stdnum.

Numbers are read for the organisation's country (the account's postal address): a VAT number of
an EU member state with ``stdnum.eu.vat`` (the country prefix is added when it was left out, and
a number typed with another member state's prefix is read for that state), any other country's
with its own VAT module (``stdnum.get_cc_module(country, "vat")``); a company registration
number with the country's register module where stdnum has one (:data:`COMPANY_MODULES`).
Where stdnum knows no module, only the shape is checked. Errors name the country and what is
wrong; the caller puts the field's label before them. Valid numbers are kept compact.
"""

from __future__ import annotations

import importlib
import re
from typing import Protocol, cast

import pycountry
from django.core.exceptions import ValidationError
from stdnum import get_cc_module
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError

SHAPE = re.compile(r"[A-Z0-9][A-Z0-9 ./-]{1,29}")
# The company register's numbers per country, where python-stdnum has a module for them.
COMPANY_MODULES = {
    "AT": "at.businessid",
    "AU": "au.acn",
    "BE": "be.vat",
    "BR": "br.cnpj",
    "CA": "ca.bn",
    "CH": "ch.uid",
    "CN": "cn.uscc",
    "DE": "de.handelsregisternummer",
    "DK": "dk.cvr",
    "EE": "ee.registrikood",
    "FI": "fi.ytunnus",
    "FR": "fr.siren",
    "JP": "jp.cn",
    "KR": "kr.brn",
    "NO": "no.orgnr",
    "PL": "pl.regon",
    "RO": "ro.onrc",
    "RU": "ru.ogrn",
    "SE": "se.orgnr",
    "SG": "sg.uen",
    "SI": "si.maticna",
    "UA": "ua.edrpou",
}


class NumberModule(Protocol):
    """What python-stdnum's number modules offer (``stdnum.util.NumberValidationModule``)."""

    def compact(self, number: str) -> str: ...

    def validate(self, number: str) -> str: ...


EU_PREFIXES = {code.upper() for code in eu_vat.MEMBER_STATES} | {"EL"}  # EL: Greece


def _country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code) if code else None
    return str(country.name) if country is not None else "its country"


def _reason(error: StdnumError) -> str:
    return str(error).rstrip(".").lower()


def _checked(module: NumberModule, number: str, what: str, country: str) -> str:
    try:
        return str(module.compact(module.validate(number)))
    except StdnumError as error:
        raise ValidationError(
            f"This is not a valid {what} for {_country_name(country)} ({_reason(error)})."
        ) from None


def _shape(number: str, what: str) -> str:
    text = " ".join(number.upper().split())
    if not SHAPE.fullmatch(text):
        raise ValidationError(
            f"This is not a valid {what}: use 2 to 30 letters and digits (spaces, dots, "
            "hyphens and slashes may separate them)."
        )
    return text


def clean_vat_number(value: str, country: str) -> str:
    """The VAT number, compact; "" when none was given."""
    number = value.strip()
    if not number:
        return ""
    country = country.strip().upper()
    prefix = number[:2].upper()
    if prefix in EU_PREFIXES:
        return _checked(eu_vat, number, "VAT number", "GR" if prefix == "EL" else prefix)
    if country and country.lower() in eu_vat.MEMBER_STATES:
        prefixed = ("EL" if country == "GR" else country) + number
        return _checked(eu_vat, prefixed, "VAT number", country)
    module = get_cc_module(country.lower(), "vat") if country else None
    if module is None:
        return _shape(number, "VAT number")
    return _checked(module, number, "VAT number", country)


def clean_company_number(value: str, country: str) -> str:
    """The company registration number, compact; "" when none was given."""
    number = value.strip()
    if not number:
        return ""
    country = country.strip().upper()
    path = COMPANY_MODULES.get(country)
    if path is None:
        return _shape(number, "company registration number")
    module = cast(NumberModule, importlib.import_module(f"stdnum.{path}"))
    return _checked(module, number, "company registration number", country)
