"""The table of secret shapes behind :func:`clientvault.privacy.redaction.redact`.

Each :class:`Rule` is a compiled pattern, a check that turns a match into the spans of the
secrets it holds (or none), and its triggers: simple expressions, one of which starts wherever
the pattern can match (a cue word, a token's prefix, 13 digits in a run).
:mod:`clientvault.privacy.secret_gate` finds every rule's triggers in one pass, and the rule's
pattern is then tried only where one of them starts: a message without anything secret-like
costs that one scan, and one with a cue costs a match at the cue. What a pattern cannot say
cheaply (the character before a token, the Luhn check, an IBAN's check digits) the check says.
A check yields ``(kind, start, end)``, the kind as :class:`SecretKind`'s value.

A rule marked ``everywhere`` is run over the whole text once one of its triggers is there
(card numbers: their pattern skips ahead to digits quickly, and a run of digits would set off
its trigger at every digit). Triggers are Hyperscan expressions over the text's UTF-8 bytes:
``(?i)`` is ASCII-only there, so a word with other letters is written with :func:`caseless`
(both cases of each such letter).
Rules about digits (``digits=True``) run as well on a text holding a decimal digit outside ASCII
(a pattern's ``\\d`` matches it; the triggers see only 0-9).
"""

from __future__ import annotations

import base64
import binascii
import functools
import importlib.resources
import re
import string
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import cast

from stdnum import luhn
from stdnum.util import get_cc_module

Found = tuple[str, int, int]
Check = Callable[[str, "re.Match[str]"], Iterator[Found]]
# The marker redaction leaves behind ("[password removed]"): never a secret itself.
MARKER = re.compile(r"\[[A-Za-z ]{2,30} removed\]")


@dataclass(frozen=True)
class Rule:
    """One shape of secret: a pattern, a check of each match, and its triggers."""

    name: str
    pattern: re.Pattern[str]
    check: Check
    triggers: tuple[str, ...]
    digits: bool = False  # also run on a text holding a decimal digit outside ASCII
    everywhere: bool = False  # once triggered, look through the whole text (one trigger)

    def find(self, text: str, starts: Iterable[int] | None = None) -> Iterator[Found]:
        """The secrets in ``text`` where the pattern matches: anywhere (``starts`` None), or
        at one of ``starts`` (ascending) outside an earlier match, as a scan would find them."""
        if starts is None:
            for match in self.pattern.finditer(text):
                yield from self.check(text, match)
            return
        covered = 0
        for start in starts:
            found = self.pattern.match(text, start) if start >= covered else None
            if found:
                covered = found.end()
                yield from self.check(text, found)


def caseless(words: str) -> tuple[str, ...]:
    """Triggers for ``words`` (separated by ``|``), one each, in either case: ASCII letters by
    ``(?i)``, every other letter as an alternative of its lower and upper case in UTF-8. One
    trigger a word, so that each reports where it starts (two words ending at the same place,
    ``kartenprüfnummer`` and ``prüfnummer``, would report only the leftmost start)."""
    return tuple("(?i)" + "".join(map(_either_case, word)) for word in words.split("|"))


def _either_case(char: str) -> str:
    if char.isascii():
        return char
    forms = dict.fromkeys((char.lower(), char.upper()))
    return "(?:" + "|".join(_utf8(form) for form in forms) + ")"


def _utf8(text: str) -> str:
    return "".join(f"\\x{byte:02x}" for byte in text.encode("utf-8"))


def _word_char(text: str, index: int) -> bool:
    """Whether text[index] exists and is a letter, a digit or an underscore."""
    return 0 <= index < len(text) and (text[index].isalnum() or text[index] == "_")


def _secret_span(match: re.Match[str]) -> tuple[int, int]:
    return match.span("secret") if "secret" in match.re.groupindex else match.span()


def token(kind: str, valid: Callable[[str], bool] = lambda value: True) -> Check:
    """A check for a token that stands alone (no letter or digit glued to either end)."""

    def check(text: str, match: re.Match[str]) -> Iterator[Found]:
        start, end = _secret_span(match)
        glued = _word_char(text, start - 1) or _word_char(text, end)
        if not glued and valid(text[start:end]):
            yield kind, start, end

    return check


def value(kind: str, valid: Callable[[str], bool] = lambda value: True) -> Check:
    """A check for the value after a cue: cut at its closing quote, or without the sentence's
    punctuation after it; never a marker left by an earlier redaction."""

    def check(text: str, match: re.Match[str]) -> Iterator[Found]:
        start, end = _value_span(text, match)
        if end > start and not MARKER.match(text, start) and valid(text[start:end]):
            yield kind, start, end

    return check


_QUOTES = {'"': '"', "'": "'", "“": "”", "«": "»", "\u2018": "\u2019", "`": "`", "„": "“"}
_OPENING = "[\"'“«\u2018`„]?"
_TRAILING = ".,;:)]}>"


def _value_span(text: str, match: re.Match[str]) -> tuple[int, int]:
    start, end = match.span("secret")
    closing = _QUOTES.get(text[start - 1]) if start else None
    if closing:
        line_end = text.find("\n", start)
        inner_end = text.find(closing, start, line_end if line_end >= 0 else len(text))
        if inner_end >= 0:
            return start, inner_end
    while end - start > 1 and text[end - 1] in _TRAILING:
        end -= 1
    return start, end


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


def _ascii_digits(text: str) -> str:
    return text if text.isascii() else "".join(str(unicodedata.decimal(c)) for c in text)


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
        digits += _ascii_digits(group.group())
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
    return _word_char(text, start - 1) or before == "+" or joined


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
    glued = _glued_before(text, start) or _word_char(text, end)
    return len(run) <= MAX_DIGITS and not glued and is_card_number(_ascii_digits(run))


def _cards_in_groups(text: str, match: re.Match[str]) -> Iterator[Found]:
    groups = list(_GROUP.finditer(text, match.start(), match.end()))
    separators = [text[group.end()] for group in groups[:-1]]
    glued_start = _glued_before(text, match.start())
    starts = set(_starts(separators, glued_start))
    glued_end, taken = _word_char(text, match.end()), 0
    for first in range(1 if glued_start else 0, len(groups)):
        if first < taken:
            continue
        inside = first not in starts and not (taken and first == taken)
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
    if not _word_char(text, match.start() - 1):
        yield "cvc", *match.span("secret")


# IBANs ----------------------------------------------------------------------------------------


def _iban_formats() -> dict[str, re.Pattern[str]]:
    """Each country's account number (BBAN) format, from python-stdnum's copy of the IBAN
    registry, as python-stdnum reads it (``n`` a digit, ``a`` a capital, ``c`` either)."""
    registry = importlib.resources.files("stdnum").joinpath("iban.dat").read_text("utf-8")
    chars = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Za-z0-9]"}
    formats = {}
    for line in registry.splitlines():
        found = re.match(r'([A-Z]{2}) .*bban="([^"]+)"', line)
        if found:
            parts = re.findall(r"(\d+)!([nac])", found[2])
            formats[found[1]] = re.compile("".join(f"{chars[k]}{{{n}}}" for n, k in parts))
    return formats


IBAN_FORMATS = _iban_formats()
IBAN_LENGTHS = {
    country: 4 + sum(int(n) for n in re.findall(r"\{(\d+)\}", form.pattern))
    for country, form in IBAN_FORMATS.items()
}
# Letters as numbers for the ISO 7064 mod 97-10 check (A=10 ... Z=35), and spaces dropped.
_MOD97 = str.maketrans(
    {letter: str(value) for value, letter in enumerate(string.ascii_uppercase, start=10)}
)
_SPACES = str.maketrans({" ": None, "\u00a0": None})


@functools.cache
def _country_check(country: str) -> Callable[[str], bool] | None:
    """python-stdnum's own check of a country's IBANs (Belgium, Spain...), if it has one."""
    module = get_cc_module(country.lower(), "iban")
    return cast(Callable[[str], bool], module.is_valid) if module else None


def is_iban(text: str) -> bool:
    """Whether ``text`` is a valid IBAN (spaces allowed), checked as python-stdnum's
    ``iban.is_valid`` checks it: the length and account number format of its country (from the
    IBAN registry), the ISO 7064 mod 97-10 check digits, and the country's own check where
    stdnum has one; without looking the country up in stdnum's number database each time,
    which costs more than the rest together."""
    number = text.translate(_SPACES).upper()
    country = number[:2]
    form = IBAN_FORMATS.get(country)
    if form is None or len(number) != IBAN_LENGTHS[country] or not number.isascii():
        return False
    digits = (number[4:] + number[:4]).translate(_MOD97)
    if not (digits.isdigit() and int(digits) % 97 == 1 and form.fullmatch(number[4:])):
        return False
    check = _country_check(country)
    return check is None or check(number)


# Two letters, two digits, then letters and digits, single spaces allowed between them.
_IBAN = re.compile(r"[A-Za-z]{2}\d{2}(?:[ \u00a0]?[A-Za-z0-9]){10,32}")


def _ibans(text: str, match: re.Match[str]) -> Iterator[Found]:
    start = match.start()
    length = IBAN_LENGTHS.get(match.group()[:2].upper())
    if length is None or _word_char(text, start - 1):
        return
    end, count = start, 0
    while count < length and end < match.end():
        count += text[end].isalnum()
        end += 1
    if count == length and not _word_char(text, end) and is_iban(text[start:end]):
        yield "iban", start, end


# Passwords ------------------------------------------------------------------------------------

_PASSWORD_WORDS = (
    r"pass(?:word|wort|wd|phrase)?s?|pwd|pw|mot de passe|mdp|contrase[ñn]a|clave|senha"
    r"|wachtwoord|kennwort|has[łl]o|parola(?: d'ordine)?|l[öo]senord|passord|adgangskode|salasana"
    r"|heslo|jelsz[óo]|пароль|密码|パスワード"
)
_QUALIFIER = (
    r"(?:[ \t]+(?:for|of|on|f[üu]r|pour|para|de|du|van|per|do|da|voor)"
    r"(?:[ \t]+[^\s:=]{1,30}){1,4})?"
)
_VALUE = r"(?P<secret>\S+)"
_PASSWORD_SEP = re.compile(
    rf"(?i)(?<![^\W_])(?:{_PASSWORD_WORDS})(?![^\W_]){_QUALIFIER}"
    rf"[\"']?[ \t]*(?::|=>?|->|(?<=[ \t])[-\u2013](?=[ \t]))[ \t]*{_OPENING}{_VALUE}"
)
_PASSWORD_SAID = re.compile(
    rf"(?i)(?<![^\W_])(?:{_PASSWORD_WORDS})(?![^\W_]){_QUALIFIER}[ \t]+"
    r"(?:is(?: now| set to)?|was|ist|lautet|est|es|é|è|jest|är|er|on|to)(?![^\W_])[ \t]*:?[ \t]*"
    rf"{_OPENING}{_VALUE}"
)


# What follows "password:" in prose rather than a password.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


NOT_PASSWORDS = _words(
    """reset change changed changes changing expired expires forgotten forgot lost required
    incorrect wrong invalid not none null empty blank same unknown hidden redacted removed
    protected policy policies manager field please help issue problem problems question request
    update updated updating recovery the my your a an is was and or to for of in on it this that
    see below above attached sent provided set yes no ok okay n/a na tbd todo unchanged
    password passwords reset? vergessen zurücksetzen geändert oublié réinitialiser olvidada
    olvidé restablecer cambiar ändern"""
)
_PLACEHOLDER_START = (*"<{$%", "http:", "https:", "www.")
_MASKED = frozenset("*•x.#-_?")


def _plausible_password(value: str) -> bool:
    lowered = value.lower()
    return (
        len(value) >= 3
        and lowered not in NOT_PASSWORDS
        and not value.startswith(_PLACEHOLDER_START)
        and not set(lowered) <= _MASKED
    )


def _said_password(value: str) -> bool:
    """After "password is": only a value with a digit or a symbol in it, at least 4 long."""
    return len(value) >= 4 and _plausible_password(value) and not value.isalpha()


_URL_PASSWORD = re.compile(r"://[^\s:/@]{1,64}:(?P<secret>[^\s@/]{1,128})@[\w.\-]")


def _basic_credentials(value: str) -> bool:
    """A base64 ``user:password`` pair (HTTP Basic authorisation)."""
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False
    return ":" in decoded and decoded.isprintable()


_BASIC = re.compile(r"(?i)basic[ \t]+(?P<secret>[A-Za-z0-9+/]{8,4096}={0,2})")


# API keys and private keys --------------------------------------------------------------------


def _letters_and_digits(value: str) -> bool:
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


_KEY_NAMES = (
    r"api[_\- ]?key|apikey|api[_\- ]?token|api[_\- ]?secret|secret[_\- ]?key|access[_\- ]?key"
    r"|access[_\- ]?token|auth[_\- ]?token|client[_\- ]?secret|private[_\- ]?token|app[_\- ]?secret"
    r"|refresh[_\- ]?token|token|secret"
)
_NAMED_KEY = re.compile(
    rf"(?i)(?<![^\W_])(?:{_KEY_NAMES})[\"']?[ \t]*(?::|=>?|->)[ \t]*[\"'`]?"
    r"(?P<secret>[A-Za-z0-9_\-./+=]{16,})"
)
_PRIVATE_KEY = re.compile(
    r"-----BEGIN (?P<label>(?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----"
    r"(?:.{0,16384}?-----END (?P=label)-----"
    r"|(?:[ \t]*\r?\n[ \t]*(?:[A-Za-z0-9+/=]{16,}|(?:Proc-Type|DEK-Info|Comment|Version):"
    r"[^\n]*)?(?=\r?\n|$))*)",
    re.DOTALL,
)
_PUTTY_KEY = re.compile(r"PuTTY-User-Key-File-\d+: .{0,16384}?Private-MAC: [0-9a-fA-F]+", re.DOTALL)


def _block(text: str, match: re.Match[str]) -> Iterator[Found]:
    yield "private_key", match.start(), match.start() + len(match.group().rstrip())


def _api_key(
    pattern: str, valid: Callable[[str], bool] = lambda v: True, trigger: str = ""
) -> Rule:
    """A token of a known shape: its pattern (or most of it) is its own trigger, so a run of
    prefixes that make no token (``eyJeyJeyJ...``) costs the gate's linear scan, not a match
    at each. The trigger stops at the fewest repeats the pattern ends with (Hyperscan cannot
    say where a long bounded repeat starts, and compiles a short one much faster)."""
    triggers = (trigger or re.sub(r"\{(\d+),\d*\}$", r"{\1}", pattern),)
    return Rule(pattern[:24], re.compile(pattern), token("api_key", valid), triggers)


API_KEYS: tuple[Rule, ...] = (
    _api_key(r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}"),
    _api_key(r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,247}"),
    _api_key(r"whsec_[A-Za-z0-9]{24,64}"),
    _api_key(r"gh[pousr]_[A-Za-z0-9]{36,251}"),
    _api_key(r"github_pat_[A-Za-z0-9_]{22,244}"),
    _api_key(r"glpat-[A-Za-z0-9_\-]{20,64}"),
    _api_key(r"xox[abposre]-[A-Za-z0-9\-]{10,250}", _letters_and_digits),
    _api_key(r"https://hooks\.slack\.com/services/[A-Za-z0-9/]{20,200}"),
    _api_key(r"AIza[A-Za-z0-9_\-]{35}"),
    _api_key(
        r"sk-(?:proj-|ant-(?:api|admin)[0-9]{2}-)?[A-Za-z0-9_\-]{20,200}", _letters_and_digits
    ),
    _api_key(r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}"),
    _api_key(r"npm_[A-Za-z0-9]{36}"),
    _api_key(r"pypi-AgE[A-Za-z0-9_\-]{50,400}"),
    _api_key(r"shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}"),
    _api_key(r"key-[0-9a-f]{32}"),
    _api_key(
        r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}",
        trigger=r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ",
    ),
    Rule(
        "bearer",
        re.compile(r"(?i)bearer[ \t]+(?P<secret>[A-Za-z0-9\-._~+/]{16,4096}=*)"),
        token("api_key", _letters_and_digits),
        ("(?i)bearer[ \t]",),
    ),
)

PRIVATE_KEYS: tuple[Rule, ...] = (
    Rule("pem", _PRIVATE_KEY, _block, ("-----BEGIN ",)),
    Rule("putty", _PUTTY_KEY, _block, ("PuTTY-User-Key-File-",)),
)
# 13 digits, each pair apart by at most one separator (a no-break space is two bytes in UTF-8).
_DIGITS_IN_A_RUN = r"[0-9](?:(?:[ .\-]|\xc2\xa0)?[0-9]){12}"
CARDS: tuple[Rule, ...] = (
    Rule("card", _CARD_RUN, _cards, (_DIGITS_IN_A_RUN,), digits=True, everywhere=True),
)
CVCS: tuple[Rule, ...] = (Rule("cvc", _CVC_CUE, _cvc_cue, caseless(_CVC_TRIGGER), digits=True),)
_IBAN_START = r"[A-Za-z]{2}[0-9]{2}(?:(?: |\xc2\xa0)?[A-Za-z0-9]){10}"
IBANS: tuple[Rule, ...] = (Rule("iban", _IBAN, _ibans, (_IBAN_START,), digits=True),)
_PASSWORD_TRIGGER = caseless(
    "pass|pw|mot de passe|mdp|contrase|clave|senha|wachtwoord|kennwort|hasło|haslo|parola"
    "|lösenord|losenord|adgang|salasana|heslo|jelsz|пароль|密码|パスワード"
)
PASSWORDS: tuple[Rule, ...] = (
    Rule("after a colon", _PASSWORD_SEP, value("password", _plausible_password), _PASSWORD_TRIGGER),
    Rule("said", _PASSWORD_SAID, value("password", _said_password), _PASSWORD_TRIGGER),
    Rule("in an address", _URL_PASSWORD, value("password", _plausible_password), ("://",)),
    Rule("basic", _BASIC, token("password", _basic_credentials), ("(?i)basic[ \t]",)),
)
NAMED_KEYS: tuple[Rule, ...] = (
    Rule(
        "named",
        _NAMED_KEY,
        value("api_key", _letters_and_digits),
        tuple(f"(?i){name}" for name in _KEY_NAMES.split("|")),
    ),
)

# Every rule, most specific first (a tie between two spans goes to the earlier kind).
RULES: tuple[Rule, ...] = (
    *PRIVATE_KEYS,
    *CARDS,
    *CVCS,
    *IBANS,
    *API_KEYS,
    *NAMED_KEYS,
    *PASSWORDS,
)
