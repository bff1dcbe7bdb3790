"""What the secret rules are made of: :class:`Rule` and the checks the table builds on.

A :class:`Rule` is a compiled pattern, a check that turns a match into the spans of the
secrets it holds (or none), and its triggers: simple expressions, one of which starts wherever
the pattern can match (a cue word, a token's prefix, 13 digits in a run).
:mod:`clientvault.privacy.secret_gate` finds every rule's triggers in one pass, and the rule's
pattern is then tried only where one of them starts. A check yields ``(kind, start, end)``,
the kind as :class:`clientvault.privacy.redaction.SecretKind`'s value.

A rule marked ``everywhere`` is run over the whole text once one of its triggers is there
(card numbers: their pattern skips ahead to digits quickly, and a run of digits would set off
its trigger at every digit). Triggers are Hyperscan expressions over the text's UTF-8 bytes:
``(?i)`` is ASCII-only there, so a word with other letters is written with :func:`caseless`
(both cases of each such letter). Rules about digits (``digits=True``) run as well on a text
holding a decimal digit outside ASCII (a pattern's ``\\d`` matches it; the triggers see only
0-9).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

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


def word_char(text: str, index: int) -> bool:
    """Whether text[index] exists and is a letter, a digit or an underscore."""
    return 0 <= index < len(text) and (text[index].isalnum() or text[index] == "_")


def _secret_span(match: re.Match[str]) -> tuple[int, int]:
    return match.span("secret") if "secret" in match.re.groupindex else match.span()


def token(kind: str, valid: Callable[[str], bool] = lambda value: True) -> Check:
    """A check for a token that stands alone (no letter or digit glued to either end)."""

    def check(text: str, match: re.Match[str]) -> Iterator[Found]:
        start, end = _secret_span(match)
        glued = word_char(text, start - 1) or word_char(text, end)
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
OPENING_QUOTE = "[\"'“«\u2018`„]?"
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


def ascii_digits(text: str) -> str:
    """Decimal digits of any script as ASCII digits."""
    return text if text.isascii() else "".join(str(unicodedata.decimal(c)) for c in text)
