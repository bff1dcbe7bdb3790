"""What the test gateway knows about cards, wallets and bank accounts: checks and test numbers.

The test numbers follow Stripe's. Every number below passes the hosted form (so a method can be
saved with it); what it does is decided when it is charged:

==================  ===========  =====================================================
number              brand        a charge ...
==================  ===========  =====================================================
4242424242424242    visa         succeeds
5555555555554444    mastercard   succeeds
378282246310005     amex         succeeds (a four-digit security code)
4000000000000002    visa         is declined: ``card_declined``
4000000000009995    visa         is declined: ``insufficient_funds``
4000000000000069    visa         is declined: ``expired_card``
4000000000000119    visa         succeeds, but the answer comes only after the server's
                                 ``hang_seconds`` (longer than a client's timeout); the
                                 charge is recorded first, so a retry with the same
                                 idempotency key gets it at once
==================  ===========  =====================================================

Any other Luhn-valid number of a known brand succeeds. Bank accounts (SEPA): any valid IBAN is
taken and its debits succeed, except ``AT861904300235473202``, whose debits are refused with
``debit_not_authorized``. Wallets: an e-mail address whose local part ends in ``+declined``
(``payer+declined@example.com``) has its charges declined with ``card_declined``.
"""

from __future__ import annotations

import datetime
import re
import string

DECLINES: dict[str, tuple[str, str]] = {
    "4000000000000002": ("card_declined", "The card was declined."),
    "4000000000009995": ("insufficient_funds", "The card has insufficient funds."),
    "4000000000000069": ("expired_card", "The card has expired."),
}
HANGING_CARD = "4000000000000119"
REFUSED_IBAN = "AT861904300235473202"
IBAN_DECLINE = ("debit_not_authorized", "The bank refused the direct debit.")
WALLET_DECLINE_SUFFIX = "+declined"
WALLET_DECLINE = ("card_declined", "The wallet declined the payment.")

_BRANDS: tuple[tuple[str, re.Pattern[str], tuple[int, ...]], ...] = (
    ("amex", re.compile(r"^3[47]"), (15,)),
    ("mastercard", re.compile(r"^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))"), (16,)),
    ("visa", re.compile(r"^4"), (13, 16, 19)),
    ("discover", re.compile(r"^(6011|65|64[4-9])"), (16, 19)),
)
_IBAN_LENGTHS = {
    "AD": 24,
    "AT": 20,
    "BE": 16,
    "BG": 22,
    "CH": 21,
    "CY": 28,
    "CZ": 24,
    "DE": 22,
    "DK": 18,
    "EE": 20,
    "ES": 24,
    "FI": 18,
    "FR": 27,
    "GB": 22,
    "GI": 23,
    "GR": 27,
    "HR": 21,
    "HU": 28,
    "IE": 22,
    "IS": 26,
    "IT": 27,
    "LI": 21,
    "LT": 20,
    "LU": 20,
    "LV": 21,
    "MC": 27,
    "MT": 31,
    "NL": 18,
    "NO": 15,
    "PL": 28,
    "PT": 25,
    "RO": 24,
    "SE": 24,
    "SI": 19,
    "SK": 24,
    "SM": 27,
    "VA": 22,
}  # the SEPA scheme's countries


def digits(value: str) -> str:
    """The number as typed, without the spaces and dashes people put in it."""
    return re.sub(r"[\s-]", "", value)


def luhn_ok(number: str) -> bool:
    if not number.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(number)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def brand_of(number: str) -> str:
    """The card's brand from its first digits and length, or "" when none fits."""
    for brand, prefix, lengths in _BRANDS:
        if prefix.match(number) and len(number) in lengths:
            return brand
    return ""


def parse_expiry(value: str) -> tuple[int, int] | None:
    """(month, four-digit year) from "MM/YY", "MM / YYYY", "MMYY"; None when unreadable."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*[/\-. ]?\s*(\d{2}|\d{4})\s*", value)
    if not match:
        return None
    month, year = int(match.group(1)), int(match.group(2))
    if year < 100:
        year += 2000
    if not 1 <= month <= 12:
        return None
    return month, year


def expired(month: int, year: int, today: datetime.date) -> bool:
    """A card works until the end of its expiry month."""
    return (year, month) < (today.year, today.month)


def iban_ok(value: str) -> bool:
    """An IBAN of a SEPA country with the right length and ISO 7064 mod-97 check digits."""
    iban = digits(value).upper()
    country = iban[:2]
    if _IBAN_LENGTHS.get(country) != len(iban) or not iban[2:4].isdigit():
        return False
    if any(c not in string.ascii_uppercase + string.digits for c in iban):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1
