"""Card numbers and card security codes: the rules for them in the redactor's table.

A card number is 13 to 19 digits, in one run or in groups split by one space, no-break space,
dash or dot (one separator throughout), passing the Luhn check (python-stdnum) and starting
with the issuer prefix of a card network that issues numbers of that length. A security code
is 3 or 4 digits right after a card number (an expiry date may stand between) or after a cue.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import luhn

from clientvault.privacy.secret_matching import (
    Found,
    Rule,
    ascii_digits,
    caseless,
    word_char,
)

# Card numbers ---------------------------------------------------------------------------------

MIN_DIGITS, MAX_DIGITS = 13, 19
# A run of 13 digits or more, one space, no-break space, dash or dot between two digits.
_CARD_RUN = re.compile(r"\d(?:[ \u00a0.\-]?\d){12,}")
_GROUP = re.compile(r"\d+")
# Issuer prefixes (lowest, highest, of the same length) and the lengths their cards have.
_ANY = frozenset(range(MIN_DIGITS, MAX_DIGITS + 1))
_LONG = frozenset(range(16, MAX_DIGITS + 1))
ISSUERS: tuple[tuple[str, str, frozenset[int]], ...] = (
    ("4", "4", frozenset({13, 16, 19})),  # Visa
    ("51", "55", frozenset({16})),  # Mastercard
    ("2221", "2720", frozenset({16})),  # Mastercard 2-series
    ("34", "34", frozenset({15})),  # American Express
    ("37", "37", frozenset({15})),  # American Express
    ("300", "305", _ANY - {13}),  # Diners Club International
    ("3095", "3095", _ANY - {13}),  # Diners Club International
    ("36", "36", _ANY - {13}),  # Diners Club International
    ("38", "39", _ANY - {13}),  # Diners Club International
    ("3528", "3589", _LONG),  # JCB
    ("6011", "6011", _LONG),  # Discover
    ("644", "649", _LONG),  # Discover
    ("65", "65", _LONG),  # Discover, RuPay
    ("62", "62", _LONG),  # UnionPay
    ("81", "82", frozenset({16})),  # UnionPay, RuPay
    ("60", "60", _LONG),  # RuPay
    ("2200", "2204", _LONG),  # Mir
    ("50", "50", _ANY),  # Maestro
    ("56", "69", _ANY),  # Maestro (and the 6-series above)
    ("9792", "9792", frozenset({16})),  # Troy
)


def _lengths_by_prefix() -> dict[str, frozenset[int]]:
    """For every four first digits, the lengths of the card numbers issued with them."""
    return {
        prefix: frozenset().union(
            *(lengths for low, high, lengths in ISSUERS if low <= prefix[: len(low)] <= high)
        )
        for prefix in (f"{n:04d}" for n in range(10_000))
    }


_LENGTHS_BY_PREFIX = _lengths_by_prefix()
# Each digit doubled, less 9 when that makes two digits (the Luhn algorithm's every other digit).
_DOUBLED = str.maketrans("0123456789", "0246813579")


def issued(number: str) -> bool:
    """Whether a card network issues card numbers of this prefix and length."""
    return len(number) in _LENGTHS_BY_PREFIX[number[:4].ljust(4, "0")]


def is_card_number(digits: str) -> bool:
    """Whether an ASCII digit string is a card number: a known issuer's prefix and length, and
    a valid Luhn check digit (python-stdnum's check, after a quick one that turns away the nine
    numbers in ten that fail it)."""
    if not (MIN_DIGITS <= len(digits) <= MAX_DIGITS and issued(digits)):
        return False
    total = sum(map(int, digits[-1::-2])) + sum(map(int, digits[-2::-2].translate(_DOUBLED)))
    return total % 10 == 0 and luhn.is_valid(digits)


def _well_grouped(groups: list[re.Match[str]]) -> bool:
    """One run of digits, or groups as cards are printed: all but the last of 4 to 6 digits."""
    return all(4 <= len(group.group()) <= 6 for group in groups[:-1])


# How cards are printed: a number in the middle of a run of digits counts only in one of these.
PRINTED = frozenset({(4, 4, 4, 4), (4, 4, 4, 4, 3), (4, 6, 5), (4, 6, 4)})


def _printed(groups: list[re.Match[str]]) -> bool:
    return tuple(len(group.group()) for group in groups) in PRINTED


def _card_in(
    groups: list[re.Match[str]], separators: list[str], glued_end: bool, *, inside: bool = False
) -> int:
    """How many of ``groups`` (from the first, joined by one and the same separator) make a
    card number, the longest first; 0 if none. With ``glued_end`` the last group is glued to
    a word, and a number ending with it is none; ``inside`` a run, only a number printed as on
    a card (``... 123 4242 4242 4242 4242``) counts."""
    shaped = _printed if inside else _well_grouped
    digits, lengths = "", []
    for count, group in enumerate(groups, start=1):
        digits += ascii_digits(group.group())
        if len(digits) > MAX_DIGITS or (count > 1 and separators[count - 2] != separators[0]):
            break
        if not (glued_end and count == len(groups)):
            lengths.append((count, digits))
    for count, number in reversed(lengths):
        if shaped(groups[:count]) and is_card_number(number):
            return count
    return 0


def _starts(separators: list[str], glued_start: bool) -> list[int]:
    """Where a card number may start in a run of groups: at its first group (unless the run
    is glued to a word), and where the separator changes (``2026-05-17 4242 ...``), not in the
    middle of evenly split digits."""
    changes = [i for i in range(1, len(separators)) if separators[i] != separators[i - 1]]
    starts = {*changes, *(i + 1 for i in changes)} | (set() if glued_start else {0})
    return sorted(starts)


def _glued_before(text: str, start: int) -> bool:
    """A run inside a word or an identifier: glued to a letter, digit or ``_``, after ``+``
    (a telephone number), or joined to a word by a dash, dot or slash (``INV-...``, ``v.``);
    after a number and a slash it stands apart (``.../4242 ...``)."""
    before = text[start - 1] if start else ""
    joined = before in "-./" and start > 1 and (text[start - 2].isalpha() or text[start - 2] == "_")
    return word_char(text, start - 1) or before == "+" or joined


def _cards(text: str, match: re.Match[str]) -> Iterator[Found]:
    """The card numbers in a run of digits: from its start, where its separator changes, right
    after a card number found in it (two numbers typed one after the other), and elsewhere in
    it when printed as on a card."""
    run, start, end = match.group(), match.start(), match.end()
    if run.isdigit():  # no separator, the common case: one number or none
        if _lone_card(text, run, start, end):
            yield "card", start, end
            yield from _cvc_after(text, end)
        return
    yield from _cards_in_groups(text, match)


def _lone_card(text: str, run: str, start: int, end: int) -> bool:
    glued = _glued_before(text, start) or word_char(text, end)
    return len(run) <= MAX_DIGITS and not glued and is_card_number(ascii_digits(run))


def _cards_in_groups(text: str, match: re.Match[str]) -> Iterator[Found]:
    groups = list(_GROUP.finditer(text, match.start(), match.end()))
    separators = [text[group.end()] for group in groups[:-1]]
    glued_start = _glued_before(text, match.start())
    starts = set(_starts(separators, glued_start))
    glued_end, taken = word_char(text, match.end()), 0
    for first in range(1 if glued_start else 0, len(groups)):
        if first < taken:
            continue
        inside = first not in starts and not (taken and first == taken)
        if inside and len(groups[first].group()) != 4:  # every printed card starts with four
            continue
        count = _card_in(groups[first:], separators[first:], glued_end, inside=inside)
        if count:
            taken = first + count
            yield "card", groups[first].start(), groups[taken - 1].end()
            yield from _cvc_after(text, groups[taken - 1].end())


# Card security codes --------------------------------------------------------------------------

_CVC_WORDS = (
    r"cvc2?|cvv2?|cvn2?|csc|cav2|cvs|card (?:security|verification) (?:code|value|number)"
    r"|security (?:code|number)|sicherheitscode|kartenpr[üu]fnummer|pr[üu]fnummer"
    r"|cryptogramme(?: visuel)?|code de s[ée]curit[ée]|c[óo]digo de seguridad"
    r"|codice di sicurezza|beveiligingscode|kod cvv|kod zabezpieczaj[ąa]cy|s[äa]kerhetskod"
)
# Every cue above starts with one of these (the gate's trigger).
_CVC_TRIGGER = (
    "cvc|cvv|cvn|csc|cav2|cvs|card security|card verification|security code|security number"
    "|sicherheitscode|kartenprüfnummer|prüfnummer|prufnummer|cryptogramme|code de sécurit"
    "|code de securit|código de seguridad|codigo de seguridad|codice di sicurezza"
    "|beveiligingscode|kod cvv|kod zabezpiecz|säkerhetskod|sakerhetskod"
)
_CVC_DIGITS = r"(?P<secret>\d{3,4})(?!\w|[.,\-/]\d|[ .\-]\d+(?![/\d]))"
_CVC_CUE = re.compile(
    rf"(?i)(?:{_CVC_WORDS})(?:\s*(?:is|was|ist|lautet|est|es|é|number|no\.?|code|#))?"
    rf"[\s:=#\-]{{0,3}}{_CVC_DIGITS}"
)
# After a card number: an expiry date may stand between, then perhaps a cue, then the code.
_AFTER_CARD = re.compile(
    r"[\s,;:|/.\-]{0,3}"
    r"(?:\(?(?:exp(?:iry|ires|iration)?(?: date)?|valid (?:thru|until)|g[üu]ltig bis|ablauf"
    r"|expire(?:s| le)?|vence|scadenza)?[\s.:]*\d{1,2}\s?[/\-|]\s?(?:\d{4}|\d{2})\)?"
    r"[\s,;|/]{1,3})?"
    rf"(?:(?:{_CVC_WORDS}|code|sec)\.?[\s:#=\-]{{0,3}})?{_CVC_DIGITS}",
    re.IGNORECASE,
)


def _cvc_after(text: str, end: int) -> Iterator[Found]:
    found = _AFTER_CARD.match(text, end)
    if found:
        yield "cvc", *found.span("secret")


def _cvc_cue(text: str, match: re.Match[str]) -> Iterator[Found]:
    if not word_char(text, match.start() - 1):
        yield "cvc", *match.span("secret")


# 13 digits, each pair apart by at most one separator (a no-break space is two bytes in UTF-8).
_DIGITS_IN_A_RUN = r"[0-9](?:(?:[ .\-]|\xc2\xa0)?[0-9]){12}"
CARDS: tuple[Rule, ...] = (
    Rule("card", _CARD_RUN, _cards, (_DIGITS_IN_A_RUN,), digits=True, everywhere=True),
)
CVCS: tuple[Rule, ...] = (Rule("cvc", _CVC_CUE, _cvc_cue, caseless(_CVC_TRIGGER), digits=True),)
