"""VAT decisions (billing.tax): table-driven, one row per case the module names."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clientvault.billing import tax
from clientvault.billing.errors import BillingError

VALID_DE = "DE136695976"
VALID_FR = "FR40303265045"
VALID_GB = "GB980780684"


@pytest.mark.parametrize(
    ("seller", "buyer", "number", "business", "rate", "reverse", "says"),
    [
        # domestic: the seller's own rate, business or not
        ("DE", "DE", "", False, "19.00", False, "Germany rate of 19%"),
        ("DE", "DE", VALID_DE, True, "19.00", False, "Germany rate of 19%"),
        ("FI", "FI", "", False, "25.50", False, "Finland rate of 25.5%"),
        ("GB", "GB", "", False, "20.00", False, "United Kingdom rate of 20%"),
        ("US", "US", "", False, "0.00", False, "No VAT"),
        # EU business with a valid number of its own country: reverse charge
        ("DE", "FR", VALID_FR, True, "0.00", True, "Article 196"),
        ("US", "FR", "fr 40 303 265 045", True, "0.00", True, "Reverse charge"),
        ("GB", "DE", VALID_DE, True, "0.00", True, "Reverse charge"),
        # EU consumer, or a business without a number: the buyer's rate (One-Stop Shop)
        ("DE", "FR", "", False, "20.00", False, "France rate of 20%, declared through the One"),
        ("DE", "FR", "", True, "20.00", False, "One-Stop Shop"),
        ("US", "DE", "", False, "19.00", False, "Germany rate of 19%"),
        ("GB", "HU", "", False, "27.00", False, "Hungary rate of 27%"),
        # outside the EU: out of scope
        ("DE", "US", "", False, "0.00", False, "outside the EU."),
        ("DE", "GB", VALID_GB, True, "0.00", False, "Outside the scope of VAT"),
        ("US", "GB", "", False, "0.00", False, "outside the EU and outside United States"),
        ("GB", "CH", "", True, "0.00", False, "Outside the scope of VAT"),
        # no country on record: taxed as domestic
        ("DE", "", "", False, "19.00", False, "Germany rate"),
    ],
)
def test_it_decides_the_tax(seller, buyer, number, business, rate, reverse, says):
    decision = tax.tax_for(
        seller_country=seller, buyer_country=buyer, vat_number=number, is_business=business
    )
    assert decision.rate == Decimal(rate)
    assert decision.reverse_charge is reverse
    assert says in decision.note


@pytest.mark.parametrize(
    ("buyer", "number", "says"),
    [
        ("DE", "DE136695977", "checksum"),
        ("DE", "DE12", "length"),
        ("FR", VALID_DE, "it belongs to another country (DE) than the billing address (FR)"),
        ("GR", "EL12345", "not valid"),
        ("GB", "GB123", "not valid"),
        ("US", "!!", "use 2 to 30 letters and digits"),
    ],
)
def test_an_invalid_vat_number_is_refused_naming_the_field_and_why(buyer, number, says):
    with pytest.raises(BillingError) as caught:
        tax.tax_for(seller_country="DE", buyer_country=buyer, vat_number=number, is_business=True)
    assert caught.value.field == "vat_number"
    assert caught.value.text.startswith("The VAT number is not valid: ")
    assert says in caught.value.text
    assert number not in caught.value.text


@pytest.mark.parametrize(
    ("typed", "country", "stored"),
    [
        ("de 136 695 976", "DE", VALID_DE),
        ("136695976", "DE", VALID_DE),
        ("094259216", "GR", "EL094259216"),
        ("980 7806 84", "GB", VALID_GB),
        ("GB980780684", "GB", VALID_GB),
        ("CHE-107.787.577 IVA", "CH", "CHE107787577IVA"),
        ("  ", "DE", ""),
    ],
)
def test_a_vat_number_is_stored_compact_with_its_prefix(typed, country, stored):
    assert tax.normalise_vat_number(typed, country) == stored


def test_the_table_has_the_eu_27_and_the_united_kingdom():
    assert len(tax.EU_COUNTRIES) == 27
    assert "GB" not in tax.EU_COUNTRIES
    for country in [*tax.EU_COUNTRIES, "GB"]:
        rate = tax.standard_rate(country)
        assert rate is not None
        assert Decimal(15) <= rate <= Decimal(28), country
    assert tax.VAT_TABLE_VERSION[:4].isdigit()
