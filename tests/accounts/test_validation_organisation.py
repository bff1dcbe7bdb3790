"""VAT and company registration numbers, checked with python-stdnum for the country."""

import pytest
from django.core.exceptions import ValidationError

from clientvault.accounts.validation_organisation import clean_company_number, clean_vat_number


@pytest.mark.parametrize(
    ("typed", "country", "kept"),
    [
        ("DE 136 695 976", "DE", "DE136695976"),  # an EU number with its prefix
        ("136695976", "DE", "DE136695976"),  # the prefix added from the address's country
        ("EL094259216", "FR", "EL094259216"),  # another member state's prefix is read for it
        ("094259216", "GR", "EL094259216"),  # Greece's VAT prefix is EL
        ("GB 980 7806 84", "GB", "980780684"),  # outside the EU: the country's own module
        ("CHE-116.281.710 MWST", "CH", "CHE116281710MWST"),
        ("12-3456789", "US", "12-3456789"),  # no stdnum module: the shape only
        ("", "DE", ""),
    ],
)
def test_it_keeps_a_valid_vat_number_compact(typed, country, kept):
    assert clean_vat_number(typed, country) == kept


@pytest.mark.parametrize(
    ("typed", "country", "message"),
    [
        ("136695977", "DE", "for Germany (the number's checksum or check digit is invalid)"),
        ("GB123", "GB", "for United Kingdom (the number has an invalid length)"),
        ("NL12", "DE", "for Netherlands (the number has an invalid format)"),
        ("#!", "US", "use 2 to 30 letters and digits"),
    ],
)
def test_it_refuses_an_invalid_vat_number_saying_why(typed, country, message):
    with pytest.raises(ValidationError) as error:
        clean_vat_number(typed, country)
    assert message in error.value.messages[0]
    assert error.value.messages[0].startswith("This is not a valid VAT number")


@pytest.mark.parametrize(
    ("typed", "country", "kept"),
    [
        ("Aachen HRA 11223", "DE", "Aachen HRA 11223"),  # Handelsregisternummer
        ("732 829 320", "FR", "732829320"),  # SIREN
        ("SC123456", "GB", "SC123456"),  # no stdnum module: the shape only
    ],
)
def test_it_keeps_a_valid_company_number(typed, country, kept):
    assert clean_company_number(typed, country) == kept


def test_it_refuses_a_company_number_the_register_would_not_give():
    with pytest.raises(ValidationError) as error:
        clean_company_number("732829321", "FR")
    assert error.value.messages == [
        "This is not a valid company registration number for France (the number's checksum "
        "or check digit is invalid)."
    ]
