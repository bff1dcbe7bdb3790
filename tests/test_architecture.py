"""The dependency rule: the privacy kernel imports no other clientvault app, present or future."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
KERNEL = "clientvault.privacy"
LINT = Path(sys.executable).with_name("lint-imports")


def _kernel_contract() -> dict[str, list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    kernel = [c for c in config["contracts"] if c.get("source_modules") == [KERNEL]]
    assert len(kernel) == 1
    return kernel[0]


def _top_level_modules(package: Path) -> set[str]:
    """Every module and (namespace) package directly in clientvault/, read from the disk."""
    names = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    names |= {
        p.name
        for p in package.iterdir()
        if p.is_dir() and p.name != "__pycache__" and any(p.rglob("*.py"))
    }
    return {f"clientvault.{name}" for name in names}


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def _copy_project(tmp_path: Path) -> Path:
    shutil.copytree(
        ROOT / "clientvault",
        tmp_path / "clientvault",
        ignore=shutil.ignore_patterns("__pycache__", "templates", "static", "presets"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path / "clientvault"


def test_the_kernel_contract_forbids_every_other_top_level_module():
    graph = grimp.build_graph("clientvault")
    forbidden: set[str] = set()
    for expression in _kernel_contract()["forbidden_modules"]:
        forbidden |= graph.find_matching_modules(expression) if "*" in expression else {expression}
    on_disk = _top_level_modules(ROOT / "clientvault") - {KERNEL}
    assert {"clientvault.accounts", "clientvault.web", "clientvault.settings"} <= on_disk
    assert on_disk - forbidden == set()


def test_the_kernel_contract_covers_an_app_added_later(tmp_path):
    package = _copy_project(tmp_path)
    (package / "newapp").mkdir()
    (package / "newapp" / "__init__.py").write_text("")
    (package / "privacy" / "probe.py").write_text("from clientvault import newapp\n")
    result = _lint(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "The privacy kernel imports no other clientvault app BROKEN" in result.stdout
    assert "clientvault.privacy.probe -> clientvault.newapp" in result.stdout


def test_the_import_contracts_hold():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_layers_contract_refuses_an_upward_import(tmp_path):
    package = _copy_project(tmp_path)
    (package / "accounts" / "probe.py").write_text("from clientvault.web import views\n")
    result = _lint(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Apps import only from the layers below them BROKEN" in result.stdout
    assert "clientvault.accounts.probe -> clientvault.web.views" in result.stdout


def test_the_layers_contract_refuses_a_lower_app_importing_traffic(tmp_path):
    package = _copy_project(tmp_path)
    (package / "support" / "probe.py").write_text("from clientvault import traffic\n")
    result = _lint(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "clientvault.support.probe -> clientvault.traffic" in result.stdout


def test_the_cycle_contract_refuses_two_modules_of_an_app_importing_each_other(tmp_path):
    package = _copy_project(tmp_path)
    (package / "accounts" / "probe_low.py").write_text(
        "from clientvault.accounts import probe_up\n"
    )
    (package / "accounts" / "probe_up.py").write_text(
        "from clientvault.accounts import probe_low\n"
    )
    result = _lint(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "No import cycles between the modules of an app BROKEN" in result.stdout


def test_legal_incidents_and_traffic_may_not_read_another_apps_models(tmp_path):
    package = _copy_project(tmp_path)
    (package / "legal" / "probe.py").write_text("from clientvault.accounts import models\n")
    (package / "incidents" / "probe.py").write_text("from clientvault.support import services\n")
    (package / "traffic" / "probe.py").write_text("from clientvault.hosting import models\n")
    result = _lint(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Legal, incidents and traffic read no other app's models or services BROKEN" in (
        result.stdout
    )
    assert "clientvault.legal.probe -> clientvault.accounts.models" in result.stdout
    assert "clientvault.incidents.probe -> clientvault.support.services" in result.stdout
    assert "clientvault.traffic.probe -> clientvault.hosting.models" in result.stdout
