"""The real ``clientvault`` command in a subprocess, on fresh databases of its own.

- ``development_env(var_dir)``: the environment of a developer's shell (``DEBUG=1``, nothing of
  clientvault's set) with its SQLite databases, keys and mailbox under ``var_dir``.
- ``clientvault(env, *args)``: run the installed ``clientvault`` command; its result.
- ``migrated_var``: a session's one freshly migrated ``var/`` (``clientvault migrate`` run once,
  its result kept as ``.migrated``); ``migrated``: a copy of it for one test, to change freely.
- ``tables(path)``: the tables of a SQLite database file.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

CLIENTVAULT = str(Path(sys.executable).with_name("clientvault"))
REPO = Path(__file__).resolve().parent.parent
DATA, KEYS = "clientvault.sqlite3", "keys.sqlite3"


def development_env(var_dir: Path, **overrides: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CLIENTVAULT_", "DJANGO_"))
        and k not in ("DATABASE_URL", "EMAIL_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")
    }
    env.update(DEBUG="1", CLIENTVAULT_VAR_DIR=str(var_dir), PYTHONPATH=str(REPO))
    env.update(overrides)
    return {k: v for k, v in env.items() if v != ""}


def clientvault(
    env: dict[str, str], *args: str, timeout: int = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLIENTVAULT, *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


@dataclass
class Migrated:
    var: Path
    result: subprocess.CompletedProcess[str]


@pytest.fixture(scope="session")
def migrated_var(tmp_path_factory: pytest.TempPathFactory) -> Migrated:
    var = tmp_path_factory.mktemp("migrated-var")
    return Migrated(var, clientvault(development_env(var), "migrate", "--noinput"))


@pytest.fixture
def migrated(migrated_var: Migrated, tmp_path: Path) -> Path:
    assert migrated_var.result.returncode == 0, migrated_var.result.stderr
    var = tmp_path / "var"
    # The databases only: a -wal or -shm file may vanish while it is copied (SQLite checkpoints
    # it when the migrating process closes), and the committed data is in the database file.
    shutil.copytree(migrated_var.var, var, ignore=shutil.ignore_patterns("*-wal", "*-shm"))
    return var
