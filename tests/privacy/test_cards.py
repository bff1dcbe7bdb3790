"""find_card_number: every card-shaped number is found; IBANs, telephone numbers, dates and
numbers that fail the Luhn check are not (COL-3, USE-2)."""

from __future__ import annotations

import datetime

from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum import iban, luhn

from clientvault.privacy.cards import find_card_number

SEPARATORS = st.sampled_from(["", " ", "-"])
# What may stand around a number without being glued to it.
BEFORE = st.sampled_from(["", "card ", "My card is: ", "(", "\n", "number=", "«", "#", "-- "])
AFTER = st.sampled_from(["", ".", " please", ")", "\n", ", expires 08/31", "»", "!"])


CARD_FIRST_DIGITS = st.sampled_from("23456")
OTHER_FIRST_DIGITS = st.sampled_from("01789")


@st.composite
def digits_luhn_valid(draw, first=CARD_FIRST_DIGITS):
    length = draw(st.integers(13, 19))
    body = draw(first) + draw(st.text("0123456789", min_size=length - 2, max_size=length - 2))
    return body + luhn.calc_check_digit(body)


@st.composite
def written(draw, digits: str) -> str:
    """The digits as a person types them: each gap holds nothing, one space or one dash."""
    return digits[0] + "".join(draw(SEPARATORS) + digit for digit in digits[1:])


@given(st.data(), digits_luhn_valid(), BEFORE, AFTER)
def test_every_card_shaped_number_is_found_however_it_is_split(data, digits, before, after):
    text = before + data.draw(written(digits)) + after
    found = find_card_number(text)
    assert found == f"a card number ending {digits[-4:]}"
    assert digits not in found


@given(digits_luhn_valid(), st.sampled_from([" ", "-"]), st.integers(1, 5))
def test_common_groupings_are_found(digits, separator, group):
    text = separator.join(digits[i : i + group] for i in range(0, len(digits), group))
    assert find_card_number(text) == f"a card number ending {digits[-4:]}"


@given(
    st.data(),
    digits_luhn_valid(),
    st.sampled_from(["1/27", "08/31", "12/2030", "6/29"]),
    st.sampled_from(["", " 123", " cvc 1234"]),
)
def test_a_card_number_followed_by_its_expiry_date_is_found(data, digits, expiry, cvc):
    text = data.draw(written(digits)) + data.draw(SEPARATORS.filter(bool)) + expiry + cvc
    assert find_card_number(text) == f"a card number ending {digits[-4:]}"


@given(digits_luhn_valid(), st.text("0123456789", min_size=1, max_size=12))
def test_a_card_number_run_on_into_more_digits_is_found_from_its_start(digits, more):
    assume(len(digits + more) > 19)
    assert find_card_number(digits + more) is not None


@given(digits_luhn_valid())
def test_full_width_digits_are_digits(digits):
    full_width = "".join(chr(0xFF10 + int(d)) for d in digits)
    assert find_card_number(full_width) == f"a card number ending {digits[-4:]}"


@given(st.text(max_size=40), digits_luhn_valid(), st.text(max_size=40))
def test_a_card_number_inside_any_text_is_found(before, digits, after):
    assert find_card_number(f"{before}\n{digits}\n{after}") is not None


@given(st.data(), digits_luhn_valid(first=OTHER_FIRST_DIGITS))
def test_numbers_no_card_network_issues_are_not_cards(data, digits):
    assert find_card_number(data.draw(written(digits))) is None


@st.composite
def order_numbers(draw):
    """13-19 digits starting 2-6 whose last digit is anything but the Luhn check digit."""
    digits = draw(digits_luhn_valid())
    wrong = draw(st.sampled_from([d for d in "0123456789" if d != digits[-1]]))
    return digits[:-1] + wrong


@given(st.data(), order_numbers(), BEFORE, AFTER)
def test_numbers_failing_the_luhn_check_are_not_cards(data, digits, before, after):
    assert find_card_number(before + data.draw(written(digits)) + after) is None


@given(digits_luhn_valid(), st.sampled_from(["A", "z", "_", "é", "Ж", "x"]))
def test_a_number_glued_to_a_letter_is_an_identifier(digits, glue):
    assert find_card_number(f"{digits}{glue}") is None
    assert find_card_number(f"{glue}{digits}") is None
    assert find_card_number(f"order {glue}{digits}{glue} shipped") is None


@given(digits_luhn_valid(), st.text("0123456789", min_size=1, max_size=6))
def test_digits_before_a_card_number_make_another_number(digits, more):
    """A run is one number: 7 digits before a card number give a number starting with them."""
    assert find_card_number(f"7{more}{digits}") is None  # no card network starts with 7


# IBANs: (country, BBAN alphabet and length) for banks whose BBAN is digits only or starts with
# letters, as in Germany, Austria, Switzerland, Britain, Ireland and the Netherlands.
BBANS = {
    "DE": ["0123456789"] * 18,
    "AT": ["0123456789"] * 16,
    "CH": ["0123456789"] * 17,
    "GB": ["ABCDEFGHIJKLMNOPQRSTUVWXYZ"] * 4 + ["0123456789"] * 14,
    "IE": ["ABCDEFGHIJKLMNOPQRSTUVWXYZ"] * 4 + ["0123456789"] * 14,
    "NL": ["ABCDEFGHIJKLMNOPQRSTUVWXYZ"] * 4 + ["0123456789"] * 10,
}


@st.composite
def ibans(draw) -> str:
    country = draw(st.sampled_from(sorted(BBANS)))
    bban = "".join(draw(st.sampled_from(alphabet)) for alphabet in BBANS[country])
    number = country + iban.calc_check_digits(country + "00" + bban) + bban
    assume(iban.is_valid(number))
    if draw(st.booleans()):
        return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    return number


@given(ibans(), BEFORE, AFTER)
def test_ibans_are_not_cards(number, before, after):
    assert find_card_number(before + number + after) is None


def test_an_iban_whose_account_digits_pass_luhn_is_still_an_iban():
    account = "6016133192681" + luhn.calc_check_digit("6016133192681")  # sort code, account
    assert luhn.is_valid(account)
    number = "GB" + iban.calc_check_digits("GB00NWBK" + account) + "NWBK" + account
    spaced = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    assert find_card_number(f"Pay to {spaced} please") is None
    assert find_card_number(f"{account} alone") == f"a card number ending {account[-4:]}"


def test_the_documented_examples():
    assert find_card_number("DE89 3704 0044 0532 0130 00") is None
    assert find_card_number("+44 20 7946 0018") is None
    assert find_card_number("4242 4242 4242 4242") == "a card number ending 4242"
    assert find_card_number("3782-822463-10005") == "a card number ending 0005"
    assert find_card_number("4242424242424242 08/31 123") == "a card number ending 4242"
    assert find_card_number("4242 4242 4242 4242 0831 123") == "a card number ending 4242"
    assert find_card_number("4242 4242 4242 4242 08/31 123") == "a card number ending 4242"
    assert find_card_number("4242-4242-4242-4242 8/31") == "a card number ending 4242"
    assert find_card_number("42424242424242420831123") == "a card number ending 4242"
    assert find_card_number("4242  4242 4242 4242") is None  # two spaces end a run
    assert find_card_number("") is None


@st.composite
def phone_numbers(draw) -> str:
    """International numbers as people write them: +, country code, groups, 8-15 digits."""
    digits = draw(st.text("0123456789", min_size=8, max_size=15))
    groups, i = [], 0
    while i < len(digits):
        size = draw(st.integers(1, 4))
        groups.append(digits[i : i + size])
        i += size
    return "+" + draw(st.sampled_from([" ", "-"])).join(groups)


@given(phone_numbers(), BEFORE, AFTER)
def test_international_telephone_numbers_are_not_cards(number, before, after):
    assert find_card_number(before + number + after) is None


@given(
    st.datetimes(min_value=datetime.datetime(1900, 1, 1), max_value=datetime.datetime(2200, 1, 1)),
    st.sampled_from(
        [
            "%Y-%m-%d",
            "%d-%m-%Y",
            "%d %m %Y",
            "%Y%m%d",
            "%d.%m.%Y",
            "%d/%m/%Y",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M:%S",
            "%d %B %Y",
            "%Y-%m-%d, %H %M",
        ]
    ),
    BEFORE,
    AFTER,
)
def test_dates_are_not_cards(moment, pattern, before, after):
    assert find_card_number(before + moment.strftime(pattern) + after) is None


@given(st.text())
def test_any_text_gets_an_answer_that_repeats_no_more_than_four_digits(text):
    found = find_card_number(text)
    assert found is None or (found.startswith("a card number ending ") and len(found) == 25)


def test_a_long_run_is_checked_from_its_start_only():
    assert find_card_number("4" * 100_000 + "x") is None  # glued at its end
    assert find_card_number("9" + "4242424242424242" * 3) is None  # starts with 9
