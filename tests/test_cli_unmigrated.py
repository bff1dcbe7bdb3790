"""A command or the web application on an unmigrated database says so in one line."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys

import pytest

from tests.cli import DATA, KEYS, REPO, clientvault, development_env, migrated, migrated_var

__all__ = ["migrated", "migrated_var"]  # fixtures

RUN_MIGRATE = "; run `clientvault migrate`"


@pytest.mark.parametrize("command", [("demo",), ("keys", "status")])
def test_a_command_on_an_unmigrated_key_store_says_so_in_one_line(migrated, command):
    (migrated / KEYS).unlink()  # a fresh key store beside a migrated data database
    result = clientvault(development_env(migrated), *command)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"clientvault: the key store database is not migrated{RUN_MIGRATE}"
    ]


@pytest.mark.parametrize("command", [("demo",), ("audit", "verify")])
def test_a_command_on_an_unmigrated_data_database_says_so_in_one_line(migrated, command):
    (migrated / DATA).unlink()
    result = clientvault(development_env(migrated), *command)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"clientvault: the data database is not migrated{RUN_MIGRATE}"
    ]


def test_a_command_on_unmigrated_databases_names_both(tmp_path):
    result = clientvault(development_env(tmp_path), "demo")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"clientvault: the data database and the key store database are not migrated{RUN_MIGRATE}"
    ]


def start_web_application(env):
    return subprocess.run(
        [sys.executable, "-c", "import clientvault.wsgi"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_web_application_refuses_to_start_on_an_unmigrated_database(tmp_path):
    result = start_web_application(development_env(tmp_path))
    assert result.returncode == 4  # gunicorn's "App failed to load": it stops, not respawns
    assert result.stderr.splitlines() == [
        f"clientvault: the data database and the key store database are not migrated{RUN_MIGRATE}"
    ]


def test_the_web_application_names_migrations_not_yet_applied(migrated):
    with sqlite3.connect(migrated / KEYS) as keys:
        keys.execute(
            "DELETE FROM django_migrations WHERE id = "
            "(SELECT max(id) FROM django_migrations WHERE app = 'privacy')"
        )
    result = start_web_application(development_env(migrated))
    assert result.returncode == 4
    assert result.stderr.splitlines() == [
        "clientvault: the key store database is not fully migrated (1 migration not applied)"
        + RUN_MIGRATE
    ]


def test_the_web_application_starts_on_migrated_databases(migrated):
    result = start_web_application(development_env(migrated))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_the_development_server_stops_on_an_unmigrated_database(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = clientvault(development_env(tmp_path), "runserver", f"127.0.0.1:{port}", timeout=90)
    assert result.returncode == 4  # not left running, serving nothing
    assert result.stderr.splitlines()[-1] == (
        f"clientvault: the data database and the key store database are not migrated{RUN_MIGRATE}"
    )
