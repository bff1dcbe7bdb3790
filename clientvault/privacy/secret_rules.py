"""The table of secret shapes behind :func:`clientvault.privacy.redaction.redact`.

Every kind's rules, most specific first: private keys, card numbers and security codes
(:mod:`clientvault.privacy.secret_cards`), IBANs, API keys of known shapes, keys named in the
text (``api_key=...``) and passwords. Each is a :class:`clientvault.privacy.secret_matching.Rule`
(a compiled pattern, a check, the triggers :mod:`clientvault.privacy.secret_gate` looks for).
What a pattern cannot say cheaply (the character before a token, the Luhn check, an IBAN's
check digits) the check says.
"""

from __future__ import annotations

import base64
import binascii
import functools
import importlib.resources
import re
import string
from collections.abc import Callable, Iterator
from typing import cast

from stdnum.util import get_cc_module

from clientvault.privacy.secret_cards import CARDS, CVCS
from clientvault.privacy.secret_matching import (
    OPENING_QUOTE,
    Found,
    Rule,
    caseless,
    token,
    value,
    word_char,
)

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
    if length is None or word_char(text, start - 1):
        return
    end, count = start, 0
    while count < length and end < match.end():
        count += text[end].isalnum()
        end += 1
    if count == length and not word_char(text, end) and is_iban(text[start:end]):
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
    rf"[\"']?[ \t]*(?::|=>?|->|(?<=[ \t])[-\u2013](?=[ \t]))[ \t]*{OPENING_QUOTE}{_VALUE}"
)
_PASSWORD_SAID = re.compile(
    rf"(?i)(?<![^\W_])(?:{_PASSWORD_WORDS})(?![^\W_]){_QUALIFIER}[ \t]+"
    r"(?:is(?: now| set to)?|was|ist|lautet|est|es|é|è|jest|är|er|on|to)(?![^\W_])[ \t]*:?[ \t]*"
    rf"{OPENING_QUOTE}{_VALUE}"
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
