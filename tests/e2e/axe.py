"""axe-core in the browser tests: every page must pass WCAG 2.2 AA with no violation.

axe-core comes from npm (``package.json``/``package-lock.json`` at the project root, installed
into ``node_modules`` by ``make install``). Its script is evaluated in the page through the
browser's debugging protocol, so the page's Content-Security-Policy (scripts from our own origin
only) stays as it is and is not loosened for the check.

``assert_accessible(page, "where")`` runs the WCAG 2.0, 2.1 and 2.2 A and AA rules on what the
page shows now, and fails listing each violation's rule, impact, help text and the elements
(CSS selectors) it found.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
_RUN = """async (tags) => {
    const results = await axe.run(document, {
        runOnly: {type: 'tag', values: tags},
        resultTypes: ['violations'],
    });
    return results.violations.map(v => ({
        rule: v.id,
        impact: v.impact || 'unknown',
        help: v.help,
        targets: v.nodes.map(n => n.target.join(' ')),
    }));
}"""


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:5]) + (" …" if len(self.targets) > 5 else "")
        return f"{self.rule} ({self.impact}): {self.help} — {shown}"


@cache
def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        pytest.fail(
            f"{AXE_SCRIPT} is missing: axe-core is installed from npm by `make install` "
            "(`npm ci` at the project root).",
            pytrace=False,
        )
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page: Any) -> list[Violation]:
    """The WCAG 2.2 A/AA violations axe-core finds on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    found = page.evaluate(_RUN, list(WCAG_TAGS))
    return [Violation(v["rule"], v["impact"], v["help"], tuple(v["targets"])) for v in found]


def assert_accessible(page: Any, where: str = "") -> None:
    """Fail with every violation (rule, impact, elements) when axe-core finds any."""
    violations = axe_violations(page)
    listed = "\n".join(f"  {v}" for v in violations)
    assert not violations, f"{where or page.url}: {len(violations)} axe violation(s):\n{listed}"
