"""What "no card number, token or IBAN in plain text" is checked against, and how.

- ``spellings(...)``: each secret as it may be written: a card number with and without the
  spaces people type (4-4-4-4, or 4-6-5 for an Amex), an IBAN compact and in groups of four.
- ``every_text_in_the_data_database()``: every value of every table of the data database (and
  of the key store), as the database hands it out, in one string.
- ``found_in(haystack, secrets)``: the secrets that occur in a text or in raw bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connections


def _grouped(compact: str, sizes: Iterable[int]) -> str:
    parts, start = [], 0
    for size in sizes:
        parts.append(compact[start : start + size])
        start += size
    return " ".join(part for part in parts if part)


def card_spellings(number: str) -> set[str]:
    compact = re.sub(r"\D", "", number)
    sizes = (4, 6, 5) if len(compact) == 15 else (4,) * 5
    return {compact, _grouped(compact, sizes), number}


def iban_spellings(iban: str) -> set[str]:
    compact = re.sub(r"\s", "", iban).upper()
    return {compact, _grouped(compact, (4,) * 9), iban}


def spellings(
    *, cards: Iterable[str] = (), ibans: Iterable[str] = (), tokens: Iterable[str] = ()
) -> set[str]:
    found: set[str] = set(tokens)
    for number in cards:
        found |= card_spellings(number)
    for iban in ibans:
        found |= iban_spellings(iban)
    return {secret for secret in found if secret}


def every_text_in_the_data_database() -> str:
    """Every value of every table of the data database and the key store, as they hold it."""
    found = []
    for alias in ("default", "keys"):
        connection = connections[alias]
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                found += [str(value) for row in cursor.fetchall() for value in row]
    return "\n".join(found)


def found_in(haystack: str | bytes, secrets: Iterable[str]) -> list[str]:
    if isinstance(haystack, bytes):
        return sorted(s for s in secrets if s.encode() in haystack)
    return sorted(s for s in secrets if s in haystack)
