"""The test panel's state: one SQLite file, written by one connection under a lock.

It holds what a control panel holds: the hosting accounts (with what each uses now) and the
answers given to requests that carried an ``Idempotency-Key``.
"""

from __future__ import annotations

import secrets
from typing import Any

from clientvault.localserver.store import SqliteStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    service_ref TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, username TEXT NOT NULL UNIQUE,
    domain TEXT NOT NULL, plan TEXT NOT NULL, status TEXT NOT NULL,
    suspension_reason TEXT NOT NULL DEFAULT '', disk_mb INTEGER NOT NULL,
    bandwidth_mb INTEGER NOT NULL, created REAL NOT NULL, changed REAL NOT NULL
);
"""


def new_id(prefix: str) -> str:
    """A random id the way panels make them: ``acct_`` and 16 unguessable characters."""
    return f"{prefix}_{secrets.token_hex(8)}"


class Store(SqliteStore):
    """The accounts; every read and write goes through ``transaction()``."""

    schema = SCHEMA

    def accounts(self) -> list[dict[str, Any]]:
        """Every account, oldest first (for tests and the demo)."""
        with self.transaction() as db:
            rows = db.execute("SELECT * FROM accounts ORDER BY created, service_ref").fetchall()
        return [dict(row) for row in rows]
