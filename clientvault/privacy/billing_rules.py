"""The policy profile's ``[billing]`` section: who issues the invoices and on what terms.

Every key is optional::

    [billing]
    country = "DE"                 # the operator's tax country (default: [storage] country)
    vat_number = "DE136695976"     # the operator's own VAT number, printed on every invoice
    currency = "EUR"               # EUR, USD or GBP: new accounts are billed in it
    invoice_prefix = "INV-"        # invoice numbers read INV-000001, INV-000002...
    credit_note_prefix = "CN-"     # credit notes have their own series: CN-000001...
    payment_terms_days = 14        # an invoice is due this many days after it is issued
    reminder_days = [3, 7, 14]     # payment reminders, days after the due date
    suspend_after_days = 21        # services are suspended this many days after the due date

The VAT number is checked with python-stdnum: an EU member state's number must carry that
country's prefix (EL for Greece), a number under the EU's non-Union One-Stop Shop (``EU...``)
belongs to an operator outside the EU, and any other country's number is checked with its own
module where stdnum has one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pycountry
from stdnum import get_cc_module
from stdnum.eu import oss as eu_oss
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError

CURRENCIES = ("EUR", "USD", "GBP")
KEYS = (
    "country",
    "vat_number",
    "currency",
    "invoice_prefix",
    "credit_note_prefix",
    "payment_terms_days",
    "reminder_days",
    "suspend_after_days",
)
PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.-]{0,11}")
# VAT prefixes that are not the ISO code of their country (Greece; Northern Ireland's goods).
VAT_PREFIX_COUNTRY = {"EL": "GR", "XI": "GB"}


@dataclass(frozen=True)
class BillingRules:
    country: str = ""  # filled with the storage country when the section does not say
    vat_number: str = ""
    currency: str = "EUR"
    invoice_prefix: str = "INV-"
    credit_note_prefix: str = "CN-"
    payment_terms_days: int = 14
    reminder_days: tuple[int, ...] = (3, 7, 14)
    suspend_after_days: int = 21


def _whole(low: int, high: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        return None if ok else f"must be a whole number from {low} to {high}"

    return check


def _country(value: Any) -> str | None:
    ok = isinstance(value, str) and re.fullmatch(r"[A-Z]{2}", value)
    if ok and pycountry.countries.get(alpha_2=value) is not None:
        return None
    return "must be a two-letter ISO 3166 country code"


def _currency(value: Any) -> str | None:
    return None if value in CURRENCIES else f"must be one of {', '.join(CURRENCIES)}"


def _prefix(value: Any) -> str | None:
    if isinstance(value, str) and PREFIX.fullmatch(value):
        return None
    return (
        'must be 1 to 12 letters, digits or / _ . - (starting with a letter or digit), e.g. "INV-"'
    )


def _days(value: Any) -> str | None:
    check = _whole(1, 365)
    if not isinstance(value, list) or any(check(day) for day in value):
        return "must be a list of whole numbers of days from 1 to 365"
    if value != sorted(set(value)):
        return "must list each day once, earliest first"
    return None


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be text"


CHECKS: dict[str, Callable[[Any], str | None]] = {
    "country": _country,
    "vat_number": _text,
    "currency": _currency,
    "invoice_prefix": _prefix,
    "credit_note_prefix": _prefix,
    "payment_terms_days": _whole(0, 365),
    "reminder_days": _days,
    "suspend_after_days": _whole(1, 365),
}


def _vat_problem(number: str, country: str) -> str | None:
    """Why ``number`` is not a VAT number of an operator taxed in ``country``, or None."""
    prefix = number[:2].upper()
    try:
        if prefix.lower() in eu_vat.MEMBER_STATES or prefix == "EL":
            eu_vat.validate(number)
            registered = VAT_PREFIX_COUNTRY.get(prefix, prefix)
            if registered != country:
                return f"is registered in {registered}, not in the billing country {country}"
            return None
        if prefix == "EU":
            eu_oss.validate(number)
            if country.lower() in eu_vat.MEMBER_STATES:
                return "is a non-Union One-Stop Shop number, for operators outside the EU"
            return None
        module = get_cc_module(country.lower(), "vat")
        if module is not None:
            module.validate(number)
    except StdnumError as error:
        return f"is not a valid VAT number ({str(error).rstrip('.').lower()})"
    return None


def _normalised(number: str) -> str:
    return re.sub(r"[\s.-]", "", number).upper()


def parse_billing(
    table: dict[str, Any], *, storage_country: str
) -> tuple[BillingRules, tuple[str, str] | None]:
    """The rules of a ``[billing]`` table, or the first bad key and what is wrong with it."""
    for key, value in table.items():
        problem = CHECKS[key](value)
        if problem:
            return BillingRules(), (key, f"{problem} (got {value!r})")
    values = dict(table)
    values.setdefault("country", storage_country)
    if "reminder_days" in values:
        values["reminder_days"] = tuple(values["reminder_days"])
    rules = BillingRules(**values)
    if rules.vat_number:
        rules = BillingRules(**{**values, "vat_number": _normalised(rules.vat_number)})
        problem = _vat_problem(rules.vat_number, rules.country)
        if problem:
            return BillingRules(), ("vat_number", f"{problem} (got {table['vat_number']!r})")
    if rules.invoice_prefix == rules.credit_note_prefix:
        return BillingRules(), (
            "credit_note_prefix",
            f"must differ from invoice_prefix (both {rules.invoice_prefix!r})",
        )
    if rules.reminder_days and rules.reminder_days[-1] >= rules.suspend_after_days:
        return BillingRules(), (
            "suspend_after_days",
            f"must be later than the last reminder (day {rules.reminder_days[-1]}) "
            f"(got {rules.suspend_after_days!r})",
        )
    return rules, None
