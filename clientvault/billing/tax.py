"""VAT: which rate an invoice charges, and whether the customer accounts for it instead.

Rates come from the ``eu-vat-rates-data`` package rather than a table kept here: it is published
from the European Commission's Taxes in Europe Database (TEDB), checked daily by its maintainers,
released as a new dated version whenever a rate changes (``VAT_TABLE_VERSION``), carries the EU
membership of each country, and has no dependencies. A rate change is then a version bump in
``constraints.txt``, reviewed like any other change, instead of a hand edit of our own copy that
nobody is told to make. The standard rate is used throughout: hosting, domains and other
electronically supplied services take it in every member state.

The decision (:func:`tax_for`), for a supply of services to a customer:

- same country as the seller: the seller's own rate (0 % where the seller's country has no VAT);
- a business in another EU member state with a VAT number of that state (its format checked
  with python-stdnum): 0 %, reverse charge (Article 196 of Council Directive 2006/112/EC);
- a consumer (or a business without a VAT number) in another EU member state: that state's
  rate, declared through the One-Stop Shop. The EUR 10,000 threshold below which an EU seller
  may charge its own rate is not applied: a hosting provider's cross-border sales pass it;
- anyone outside the EU (and outside the seller's country): 0 %, outside the scope of VAT.

A customer without a country is taxed as if in the seller's (the safe reading: VAT is charged).
A VAT number that is not valid, or that belongs to another country than the customer's, is a
:class:`~clientvault.billing.errors.BillingError` naming the VAT number and why; the number itself
is never put in the message (it identifies a person's business).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import eu_vat_rates_data
import pycountry
from stdnum import get_cc_module
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError

from clientvault.billing.errors import BillingError

VAT_TABLE_VERSION: str = eu_vat_rates_data.data_version
VAT_TABLE_SOURCE = "European Commission, Taxes in Europe Database (via eu-vat-rates-data)"
ZERO = Decimal("0.00")
REVERSE_CHARGE_NOTE = (
    "Reverse charge: VAT to be accounted for by the recipient "
    "(Article 196, Council Directive 2006/112/EC)."
)
# VAT prefixes that are not their country's ISO code: Greece, and Northern Ireland (which is in
# the United Kingdom for services).
VAT_PREFIX_COUNTRY = {"EL": "GR", "XI": "GB"}
COUNTRY_VAT_PREFIX = {"GR": "EL"}
VAT_FIELD = "vat_number"
SHAPE = re.compile(r"[A-Z0-9]{2,30}")


@dataclass(frozen=True)
class TaxDecision:
    rate: Decimal  # percent, two decimals: Decimal("19.00")
    reverse_charge: bool
    note: str


def _rates() -> dict[str, eu_vat_rates_data.VatRate]:
    return eu_vat_rates_data.get_all_rates()


EU_COUNTRIES: frozenset[str] = frozenset(c for c, rate in _rates().items() if rate["eu_member"])


def standard_rate(country: str) -> Decimal | None:
    """The country's standard VAT rate in percent, or None where the table has none."""
    rate = eu_vat_rates_data.get_standard_rate(country) if country else None
    return None if rate is None else Decimal(str(rate)).quantize(ZERO)


def in_eu(country: str) -> bool:
    return country in EU_COUNTRIES


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code) if code else None
    return str(getattr(country, "common_name", None) or country.name) if country else code


def percent_text(rate: Decimal) -> str:
    """``Decimal("19.00")`` -> ``"19"``, ``Decimal("25.50")`` -> ``"25.5"``."""
    text = f"{rate:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _invalid(reason: str) -> BillingError:
    return BillingError(f"The VAT number is not valid: {reason}.", field=VAT_FIELD)


def _reason(error: StdnumError) -> str:
    return str(error).rstrip(".").lower()


def _compact(value: str) -> str:
    return re.sub(r"[\s./-]", "", value).upper()


def normalise_vat_number(value: str, country: str) -> str:
    """The VAT number in its compact form with its country prefix, or "" when none is given.

    ``country`` is the customer's (their billing address): an EU number may be typed without
    its prefix, and must belong to that country. Raises :class:`BillingError` (field
    ``vat_number``) saying why a number is refused.
    """
    number = _compact(value)
    if not number:
        return ""
    country = country.strip().upper()
    prefix = number[:2]
    if prefix.lower() in eu_vat.MEMBER_STATES or prefix == "EL":
        return _checked_eu(number, country)
    if country in EU_COUNTRIES:
        return _checked_eu(COUNTRY_VAT_PREFIX.get(country, country) + number, country)
    if prefix == "GB" or country == "GB":
        module = get_cc_module("gb", "vat")
        return "GB" + _checked(module, number.removeprefix("GB"))
    module = get_cc_module(country.lower(), "vat") if country else None
    if module is not None:
        return _checked(module, number)
    if not SHAPE.fullmatch(number):
        raise _invalid("use 2 to 30 letters and digits")
    return number


def _checked(module: object, number: str) -> str:
    try:
        return str(module.compact(module.validate(number)))  # type: ignore[attr-defined]
    except StdnumError as error:
        raise _invalid(_reason(error)) from None


def _checked_eu(number: str, country: str) -> str:
    try:
        compact = str(eu_vat.compact(eu_vat.validate(number)))
    except StdnumError as error:
        raise _invalid(_reason(error)) from None
    registered = VAT_PREFIX_COUNTRY.get(compact[:2], compact[:2])
    if country and registered != country:
        raise _invalid(
            f"it belongs to another country ({registered}) than the billing address ({country})"
        )
    return compact


def tax_for(
    *, seller_country: str, buyer_country: str, vat_number: str, is_business: bool
) -> TaxDecision:
    """The VAT an invoice from ``seller_country`` to this customer charges (module docstring)."""
    seller = seller_country.upper()
    buyer = buyer_country.upper() or seller
    number = normalise_vat_number(vat_number, buyer) if vat_number else ""
    if buyer == seller:
        return _domestic(seller)
    if in_eu(buyer):
        if is_business and number:
            return TaxDecision(ZERO, True, REVERSE_CHARGE_NOTE)
        rate = standard_rate(buyer) or ZERO
        return TaxDecision(
            rate,
            False,
            f"VAT at the {country_name(buyer)} rate of {percent_text(rate)}%, "
            "declared through the One-Stop Shop.",
        )
    return TaxDecision(
        ZERO,
        False,
        "Outside the scope of VAT: the customer is established outside the EU"
        + ("." if in_eu(seller) else f" and outside {country_name(seller)}."),
    )


def _domestic(country: str) -> TaxDecision:
    rate = standard_rate(country)
    if rate is None:
        return TaxDecision(ZERO, False, f"No VAT: {country_name(country)} has no VAT.")
    return TaxDecision(
        rate, False, f"VAT at the {country_name(country)} rate of {percent_text(rate)}%."
    )
