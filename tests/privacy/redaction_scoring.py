"""Counting a recogniser's hits and misses on the redactor's labelled set
(tests/privacy/redaction_set.py), per kind: recall and precision."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tests.privacy.redaction_set import CASES, Case

Found = Iterable[tuple[str, int, int]]


@dataclass
class Score:
    """Hits and misses per kind over the set."""

    true_positives: dict[str, int] = field(default_factory=dict)
    false_positives: dict[str, int] = field(default_factory=dict)
    false_negatives: dict[str, int] = field(default_factory=dict)
    missed: list[tuple[str, str]] = field(default_factory=list)
    wrong: list[tuple[str, str]] = field(default_factory=list)

    def add(self, counter: dict[str, int], kind: str) -> None:
        counter[kind] = counter.get(kind, 0) + 1

    def recall(self, kind: str | None = None) -> float:
        hits, misses = (
            self._total(self.true_positives, kind),
            self._total(self.false_negatives, kind),
        )
        return hits / (hits + misses) if hits + misses else 1.0

    def precision(self, kind: str | None = None) -> float:
        hits, wrong = (
            self._total(self.true_positives, kind),
            self._total(self.false_positives, kind),
        )
        return hits / (hits + wrong) if hits + wrong else 1.0

    @staticmethod
    def _total(counter: dict[str, int], kind: str | None) -> int:
        return sum(n for k, n in counter.items() if kind is None or k == kind)


def _matches(found: tuple[str, int, int], expected: tuple[str, int, int], overlap: bool) -> bool:
    if found[0] != expected[0]:
        return False
    if overlap:
        return found[1] < expected[2] and expected[1] < found[2]
    return found[1:] == expected[1:]


def score(
    find: Callable[[str], Found],
    cases: Iterable[Case] = CASES,
    *,
    kinds: Iterable[str] | None = None,
    overlap: bool = False,
) -> Score:
    """How ``find`` (text -> (kind, start, end) triples) does on the cases, for ``kinds`` (all
    if None): a found secret matches at most one labelled secret."""
    wanted = None if kinds is None else {str(kind) for kind in kinds}
    result = Score()
    for case in cases:
        expected = [(str(k), s, e) for k, s, e in case.spans() if wanted is None or k in wanted]
        found = [(str(k), s, e) for k, s, e in find(case.text) if wanted is None or k in wanted]
        for item in found:
            hit = next((e for e in expected if _matches(item, e, overlap)), None)
            if hit is None:
                result.add(result.false_positives, item[0])
                result.wrong.append((item[0], case.text[item[1] : item[2]]))
            else:
                expected.remove(hit)
                result.add(result.true_positives, item[0])
        for kind, start, end in expected:
            result.add(result.false_negatives, kind)
            result.missed.append((kind, case.text[start:end]))
    return result
