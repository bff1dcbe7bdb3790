"""Whether the data database and the key store have every migration applied.

``clientvault migrate`` migrates both (``management/commands/migrate.py``). A command run before
that, or the web application started before it, says so in one line instead of ending in a
traceback at the first missing table::

    clientvault: the key store database is not migrated; run `clientvault migrate`

The ``clientvault`` command asks :func:`not_migrated_error` when a database error ends a command
(``clientvault.cli``); the WSGI application asks :func:`check_migrated` before it serves.
"""

from __future__ import annotations

from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

from clientvault.privacy.routers import KEYSTORE_ALIAS

DATABASE_NAMES = {"default": "data", KEYSTORE_ALIAS: "key store"}


class NotMigratedError(Exception):
    """A database lacks migrations; the message names it and says what to run."""


def database_name(alias: str) -> str:
    """How the operator knows the database: ``data``, ``key store``, else its alias."""
    return DATABASE_NAMES.get(alias, alias)


NOT_MIGRATED = "not migrated"


def _state(alias: str) -> str:
    """ "" when ``alias`` is migrated; else what it lacks, in words."""
    executor = MigrationExecutor(connections[alias])
    missing = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not missing:
        return ""
    if not executor.loader.applied_migrations:
        return NOT_MIGRATED
    count = len(missing)
    return f"not fully migrated ({count} migration{'s' if count != 1 else ''} not applied)"


def not_migrated_error() -> NotMigratedError | None:
    """An error naming every database with migrations to apply, or None when all have them."""
    states = {database_name(alias): _state(alias) for alias in connections}
    lacking = {name: state for name, state in states.items() if state}
    if not lacking:
        return None
    if len(lacking) > 1 and set(lacking.values()) == {NOT_MIGRATED}:
        problem = " and the ".join(f"{name} database" for name in lacking) + " are not migrated"
    else:
        problem = " and the ".join(f"{name} database is {state}" for name, state in lacking.items())
    return NotMigratedError(f"the {problem}; run `clientvault migrate`")


def check_migrated() -> None:
    """Raise NotMigratedError unless every database is migrated.

    A database that cannot be reached yet is not an error here: the application starts and
    ``/healthz`` reports it until it answers.
    """
    try:
        error = not_migrated_error()
    except DatabaseError:
        return
    if error is not None:
        raise error
