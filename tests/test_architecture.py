"""The dependency rule: the privacy kernel imports no other clientvault app."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_kernel_contract_is_declared():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    kernel = [c for c in config["contracts"] if c["source_modules"] == ["clientvault.privacy"]]
    assert kernel
    assert "clientvault.accounts" in kernel[0]["forbidden_modules"]


def test_the_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
