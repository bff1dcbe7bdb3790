"""``docs/clauses.md`` names only code and tests that exist and maps the clauses enforced."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "clauses.md"


def _rows() -> list[list[str]]:
    lines = [line for line in DOC.read_text().splitlines() if re.match(r"\| [A-Z]{3}-\d", line)]
    return [line.strip("|").split(" | ") for line in lines]


KERNEL = {"POL-1", "POL-2", "RET-1", "RET-2", "RET-3", "RGT-4", "SEC-5", "CTL-4"}
KERNEL |= {"SHR-1", "SHR-2", "SHR-3", "SHR-4", "SHR-5", "SHR-6", "SHR-7", "USE-2", "USE-5"}
ACCOUNTS = {f"COL-{n}" for n in (1, 2, 3, 4, 5, 6, 7, 12)}
ACCOUNTS |= {"USE-1", "CTL-1", "CTL-2", "CTL-6", "SEC-1", "SEC-2", "SEC-3", "SEC-5", "POL-2"}


def _clauses() -> list[str]:
    return [row[0].split()[0] for row in _rows()]


def test_it_maps_the_kernels_clauses():
    assert set(_clauses()) >= KERNEL


def test_it_maps_the_accounts_clauses():
    missing = ACCOUNTS - set(_clauses())
    assert not missing, f"docs/clauses.md has no row for {sorted(missing)}"


TRAFFIC = {"COL-8", "COL-10", "COL-11", "USE-3", "USE-4"}


def test_it_maps_the_traffic_and_cookie_clauses():
    missing = TRAFFIC - set(_clauses())
    assert not missing, f"docs/clauses.md has no row for {sorted(missing)}"


def test_it_lists_each_clause_once():
    clauses = _clauses()
    assert len(clauses) == len(set(clauses))


def test_every_row_has_four_cells_and_names_a_test_function():
    for row in _rows():
        assert len(row) == 4, f"{row[0].split()[0]}: {len(row)} cells"
        assert re.search(r"`test_\w+`", row[3]), f"{row[0].split()[0]} names no test function"


def test_every_file_and_test_it_names_exists():
    for clause, _, code, tests in _rows():
        for cell in (code, tests):
            for path, names in re.findall(
                r"`((?:clientvault|tests)/[\w/.-]+)`(?: \(([^)]*)\))?", cell
            ):
                assert (ROOT / path).exists(), f"{clause}: {path} does not exist"
                text = (ROOT / path).read_text()
                for name in re.findall(r"`(\w+)`", names):
                    # a function, a class, or a module-level constant
                    defined = rf"\b(def|class) {name}\b|^{name}\s*[:=]"
                    assert re.search(defined, text, re.MULTILINE), f"{clause}: {path} {name}"
