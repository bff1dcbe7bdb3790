# ruff: noqa: F811  (pytest fixtures imported from tests.traffic.ptrserver)
"""COL-10, COL-12: after ingesting the corpora (here, and on a "web server" whose figures are
imported), no database table, no file under the data directory and no file sent to the centre
holds any of their client addresses, IPv4 or IPv6, in any usual spelling."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from django.conf import settings
from django.db import connections

from tests.traffic.logs import ELASTIC, HACKERS, import_file, ingest
from tests.traffic.ptrserver import ptr_server  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

V4 = re.compile(r"(?<!\d)(?<!\d\.)\d{1,3}(?:[.-]\d{1,3}){3}(?!\d)(?!\.\d)")
V6 = re.compile(r"(?<![0-9A-Fa-f:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![0-9A-Fa-f:])")


def corpus_addresses() -> set[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    found = set()
    for path in (ELASTIC, HACKERS):
        for raw in path.read_bytes().splitlines():
            found.add(ipaddress.ip_address(raw.split(b" ", 1)[0].decode()))
    return found


def addresses_in(text: str) -> set[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    seen = set()
    for token in [*V4.findall(text), *V6.findall(text)]:
        try:
            seen.add(ipaddress.ip_address(token.replace("-", ".")))
        except ValueError:
            continue
    return seen


def table_texts() -> Iterator[tuple[str, str]]:
    for alias in ("default", "keys"):
        connection = connections[alias]
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names(cursor):
                quoted = connection.ops.quote_name(table)
                cursor.execute(f"SELECT * FROM {quoted}")
                yield f"{alias}.{table}", repr(cursor.fetchall())


def file_texts(*roots: Path) -> Iterator[tuple[str, str]]:
    for root in roots:
        for path in [root, *root.rglob("*")] if root.exists() else []:
            if path.is_file() and path.suffix == ".parquet":
                rows = duckdb.sql(f"SELECT * FROM read_parquet('{path}')").fetchall()
                yield str(path), repr(rows)
            elif path.is_file():
                yield str(path), path.read_bytes().decode("latin-1")


def test_no_table_or_file_holds_a_corpus_address(ptr_server, tmp_path):
    corpus = corpus_addresses()
    assert len(corpus) == 1753 + 520
    # Names that spell the address out: only the registrable domain may be kept.
    for address in corpus:
        dashed = str(address).replace(".", "-").replace(":", "-")
        ptr_server.name(str(address), f"{dashed}.dsl.example-isp.net")
    ingest(str(ELASTIC), "--site", "semicomplete.example", "--lookups")
    sent = tmp_path / "from-web-1.parquet"
    ingest(str(HACKERS), "--site", "niels.example", "--lookups", "--output", str(sent))
    assert "stored as batch" in import_file(str(sent))
    leaks = {
        where: sorted(map(str, addresses_in(text) & corpus))[:3]
        for where, text in [*table_texts(), *file_texts(Path(settings.VAR_DIR), tmp_path)]
    }
    assert not {where: found for where, found in leaks.items() if found}
    assert any("example-isp.net" in text for _, text in table_texts())


def test_the_search_would_find_an_address_in_each_spelling():
    corpus = corpus_addresses()
    for text in ("x 83.149.9.216 y", "83-149-9-216.dsl", "[2001:41d0:8:f69::1]"):
        assert addresses_in(text) & corpus, text
