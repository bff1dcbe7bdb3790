"""Whether a text holds something shaped like a payment card number (COL-3, USE-2, PCI DSS 3.3).

clientvault never accepts a card number outside the payment provider's hosted form; what a
person types anywhere else is checked with :func:`find_card_number` before it is stored or
logged. The answer describes the number without repeating it ("a card number ending 4242"):
neither the caller nor its logs ever need the digits.

What counts as a card number:

- a maximal run of 13 to 19 digits, optionally split by single spaces or single dashes
  (``4242424242424242``, ``4242 4242 4242 4242``, ``3782-822463-10005``): two separators in a
  row, or any other character, end the run;
- not glued to its surroundings: the character before the run and the one after it are not a
  letter, a digit or an underscore (``order4242...`` and ``...4242x`` are identifiers), and
  the one before it is not ``+`` (an international telephone number);
- starting with 2 to 6, the first digit of every card network in use (2 and 5 Mastercard,
  3 American Express, Diners and JCB, 4 Visa, 6 Discover, UnionPay and Maestro);
- passing the Luhn check (python-stdnum), as every card number does;
- not part of a valid IBAN (``GB29 NWBK 6016 1331 9268 19`` holds a 14-digit run after the
  bank code: its own mod-97 check digits say it is a bank account, not a card).

A run of more than 19 digits is checked from its start, as 19, 18, ... 13 digits: a card number
typed straight before its expiry date or security code is still found. A run whose last group
of one or two digits is followed by ``/`` is also checked without that group: the month of an
expiry date typed after the number (``4242 4242 4242 4242 08/31``).

Unicode decimal digits (full-width, Arabic-Indic...) count as digits: the rule is about what a
number is, not which keyboard typed it.

The trade-offs, chosen to refuse a card number wherever it is typed and pay for it with a rare
refusal of something harmless that can be retyped:

- false positives: any 13-19 digit number that starts with 2-6 and happens to pass Luhn (one in
  ten such numbers does): an order, tracking or customer number typed as one run, a compact
  time stamp (``20260517143000``), or a date range written ``2026-05-17 2026-06-17`` with
  nothing between its dates; and about half of the runs longer than 19 digits starting with
  2-6, since each of their seven leading windows has a one-in-ten chance. The person is told
  what looked like a card number and can rewrite it (with a word, a slash or a dot between the
  parts);
- false negatives: a number split by other characters (dots, slashes, two spaces, a line
  break), glued to letters, or written as words; one starting with 0, 1, 7, 8 or 9 (no card
  network issues those today); a Luhn-invalid number (a mistyped card, which no gateway would
  charge anyway). This is a guard against a card number typed in the wrong place, not a
  data-loss scanner for someone set on hiding one.
"""

from __future__ import annotations

import re
import unicodedata

from stdnum import iban, luhn

MIN_DIGITS, MAX_DIGITS = 13, 19
CARD_PREFIXES = frozenset("23456")
# A maximal run of digits with at most one space or dash between two digits (finditer takes the
# longest run from its first digit, so no run is ever found from its middle).
_RUN = re.compile(r"\d(?:[ -]?\d)*")
_SEPARATOR = re.compile(r"[ -]")
_IBAN_START = re.compile(r"[A-Za-z]{2}\d{2}")
_IBAN_MAX_LENGTH = 34 + 8  # 34 characters, with a space every four


def _glued_before(char: str) -> bool:
    return char.isalnum() or char in "_+"


def _glued_after(char: str) -> bool:
    return char.isalnum() or char == "_"


def _in_an_iban(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] lies inside a valid IBAN that starts at most 42 characters before
    it (checked only for a Luhn-valid run, which is rare, so this costs nothing in general)."""
    for found in _IBAN_START.finditer(text, max(0, start - _IBAN_MAX_LENGTH), start):
        if found.start() > 0 and text[found.start() - 1].isalnum():
            continue
        last = min(len(text), found.start() + _IBAN_MAX_LENGTH)
        if any(iban.is_valid(text[found.start() : stop]) for stop in range(end, last + 1)):
            return True
    return False


def _lengths(text: str, run: re.Match[str], count: int) -> list[int]:
    """How many of the run's first digits to check as one number, in order: the run without
    its last group when that group is the month of an expiry date (``4242 ... 4242 08/31``),
    then the whole run when it is 13-19 digits, or every length from 19 to 13 when longer."""
    lengths = [count] if count <= MAX_DIGITS else list(range(MAX_DIGITS, MIN_DIGITS - 1, -1))
    last_group = _SEPARATOR.split(run.group())[-1]
    followed_by = text[run.end() : run.end() + 1]
    if followed_by == "/" and len(last_group) <= 2 and last_group != run.group():
        lengths.insert(0, count - len(last_group))
    return [length for length in lengths if MIN_DIGITS <= length <= MAX_DIGITS]


def _card_in_run(text: str, run: re.Match[str]) -> str | None:
    """The last four digits of the card number this run is (or starts with), or None."""
    positions = [i for i in range(run.start(), run.end()) if text[i].isdecimal()]
    if len(positions) < MIN_DIGITS:
        return None
    digits = "".join(str(unicodedata.decimal(text[i])) for i in positions[:MAX_DIGITS])
    if digits[0] not in CARD_PREFIXES:
        return None
    for length in _lengths(text, run, len(positions)):
        number = digits[:length]
        if luhn.is_valid(number) and not _in_an_iban(text, run.start(), positions[length - 1] + 1):
            return number[-4:]
    return None


def find_card_number(text: str) -> str | None:
    """A description of the first card number in ``text`` ("a card number ending 4242"), or
    None. The number itself is never returned."""
    for run in _RUN.finditer(text):
        before = text[run.start() - 1] if run.start() else ""
        after = text[run.end()] if run.end() < len(text) else ""
        if (before and _glued_before(before)) or (after and _glued_after(after)):
            continue
        last4 = _card_in_run(text, run)
        if last4 is not None:
            return f"a card number ending {last4}"
    return None
