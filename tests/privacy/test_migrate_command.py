"""``clientvault migrate`` migrates the data database and the key store in one run."""

from __future__ import annotations

from tests.cli import DATA, KEYS, clientvault, development_env, migrated, migrated_var, tables

__all__ = ["migrated", "migrated_var"]  # fixtures

DATA_TABLE, KEYSTORE_TABLE = "accounts_user", "privacy_systemkey"


def test_one_migrate_creates_the_data_tables_and_the_key_store(migrated_var):
    assert migrated_var.result.returncode == 0, migrated_var.result.stderr
    data, keys = tables(migrated_var.var / DATA), tables(migrated_var.var / KEYS)
    assert DATA_TABLE in data
    assert KEYSTORE_TABLE not in data
    assert KEYSTORE_TABLE in keys
    assert DATA_TABLE not in keys
    out = migrated_var.result.stdout
    assert "The data database (default):" in out
    assert "The key store database (keys):" in out


def test_it_leaves_nothing_to_migrate_in_either_database(migrated):
    env = development_env(migrated)
    for database in ("default", "keys"):
        checked = clientvault(env, "migrate", "--check", "--database", database)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_demo_loads_after_one_migrate(migrated):
    loaded = clientvault(development_env(migrated), "demo")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "Demo data is loaded."


def test_the_database_option_migrates_that_database_only(tmp_path):
    env = development_env(tmp_path)
    result = clientvault(env, "migrate", "--noinput", "--database", "keys")
    assert result.returncode == 0, result.stderr
    assert KEYSTORE_TABLE in tables(tmp_path / KEYS)
    assert DATA_TABLE not in tables(tmp_path / DATA)
    assert "The key store database" not in result.stdout
    unmigrated = clientvault(env, "migrate", "--check", "--database", "default")
    assert unmigrated.returncode == 1
