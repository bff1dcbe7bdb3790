"""Which secret rules a text can set off, and where: found in one pass (Hyperscan).

Every rule of :data:`clientvault.privacy.secret_rules.RULES` names triggers: simple
expressions, one of which starts wherever the rule's pattern can match. :func:`rules_for`
scans the text's UTF-8 bytes once for all of them and gives each rule whose trigger is there
the places where one starts (in characters); the rule's pattern is tried there only. Most
messages hold no trigger: their cost is this one scan.

Hyperscan needs a scratch space per thread scanning at once (it releases the GIL while it
scans), so each thread makes its own on first use; the compiled database is shared.
"""

from __future__ import annotations

import functools
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import cast

import hyperscan

from clientvault.privacy.secret_matching import Rule
from clientvault.privacy.secret_rules import RULES


def _other_digits() -> str:
    """A trigger for a decimal digit outside ASCII (Arabic-Indic, Devanagari, full-width...):
    the other triggers see only 0-9, so a text holding one runs every rule about digits over
    the whole text. Each such digit's UTF-8 bytes, grouped by all but their last byte."""
    last_bytes: dict[bytes, list[int]] = defaultdict(list)
    for code in range(0x80, 0x110000):
        if chr(code).isdecimal():
            encoded = chr(code).encode("utf-8")
            last_bytes[encoded[:-1]].append(encoded[-1])
    return "|".join(
        "".join(f"\\x{byte:02x}" for byte in lead)
        + "["
        + "".join(f"\\x{byte:02x}" for byte in last)
        + "]"
        for lead, last in last_bytes.items()
    )


OTHER_DIGIT = len(RULES)  # the id of that trigger
_local = threading.local()


@functools.cache
def _database() -> hyperscan.Database:
    expressions, ids, flags = [_other_digits().encode("ascii")], [OTHER_DIGIT], [_ONCE]
    for index, rule in enumerate(RULES):
        for trigger in rule.triggers:
            expressions.append(trigger.encode("ascii"))
            ids.append(index)
            flags.append(_ONCE if rule.everywhere else hyperscan.HS_FLAG_SOM_LEFTMOST)
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=expressions, ids=ids, elements=len(expressions), flags=flags)
    return database


_ONCE = hyperscan.HS_FLAG_SINGLEMATCH


def _scratch(database: hyperscan.Database) -> hyperscan.Scratch:
    scratch: hyperscan.Scratch | None = getattr(_local, "scratch", None)
    if scratch is None:
        scratch = _local.scratch = hyperscan.Scratch(database)
    return scratch


def _collect(rule: int, start: int, end: int, flags: int, found: object) -> None:
    starts = cast(dict[int, list[int]], found)
    if rule in starts:
        starts[rule].append(start)
    else:
        starts[rule] = [start]


def rules_for(text: str) -> list[tuple[Rule, list[int] | None]]:
    """The rules whose triggers ``text`` holds, in the table's order, each with the character
    offsets where a trigger starts (None: try the rule everywhere)."""
    found: dict[int, list[int]] = {}
    data = text.encode("utf-8", "surrogatepass")
    database = _database()
    database.scan(data, match_event_handler=_collect, context=found, scratch=_scratch(database))
    if not found:
        return []
    if OTHER_DIGIT in found:
        return _with_other_digits(text, data, found)
    at = _same if len(data) == len(text) else _characters(data)
    return [
        (RULES[index], None if RULES[index].everywhere else sorted(set(map(at, starts))))
        for index, starts in sorted(found.items())
    ]


def _with_other_digits(
    text: str, data: bytes, found: dict[int, list[int]]
) -> list[tuple[Rule, list[int] | None]]:
    """The rules for a text holding a digit outside ASCII: every rule about digits runs over
    the whole text, the others where their triggers start."""
    at = _characters(data)
    return [
        (rule, None if rule.everywhere or rule.digits else sorted(set(map(at, found[index]))))
        for index, rule in enumerate(RULES)
        if index in found or rule.digits
    ]


def _same(offset: int) -> int:
    return offset


def _characters(data: bytes) -> Callable[[int], int]:
    """A byte offset in UTF-8 ``data`` (where a character starts) as an offset in characters."""
    return lambda offset: len(data[:offset].decode("utf-8", "surrogatepass"))
