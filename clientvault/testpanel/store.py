"""The test panel's state: one SQLite file, written by one connection under a lock.

It holds what a control panel holds: the hosting accounts (with what each uses now) and the
answers given to requests that carried an ``Idempotency-Key``.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    service_ref TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, username TEXT NOT NULL UNIQUE,
    domain TEXT NOT NULL, plan TEXT NOT NULL, status TEXT NOT NULL,
    suspension_reason TEXT NOT NULL DEFAULT '', disk_mb INTEGER NOT NULL,
    bandwidth_mb INTEGER NOT NULL, created REAL NOT NULL, changed REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL,
    created REAL NOT NULL
);
"""


def new_id(prefix: str) -> str:
    """A random id the way panels make them: ``acct_`` and 16 unguessable characters."""
    return f"{prefix}_{secrets.token_hex(8)}"


class Store:
    """Every read and write goes through ``transaction()``: one at a time, committed at its end."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def accounts(self) -> list[dict[str, Any]]:
        """Every account, oldest first (for tests and the demo)."""
        with self.transaction() as db:
            rows = db.execute("SELECT * FROM accounts ORDER BY created, service_ref").fetchall()
        return [dict(row) for row in rows]

    # --- idempotency -------------------------------------------------------------------------

    @staticmethod
    def remembered(db: sqlite3.Connection, key: str) -> dict[str, Any] | None:
        row = db.execute("SELECT * FROM idempotency WHERE key = ?", (key,)).fetchone()
        return dict(row) if row is not None else None

    @staticmethod
    def remember(
        db: sqlite3.Connection, key: str, fingerprint: str, status: int, body: dict[str, Any]
    ) -> None:
        db.execute(
            "INSERT INTO idempotency (key, fingerprint, status, body, created) VALUES (?,?,?,?,?)",
            (key, fingerprint, status, json.dumps(body), time.time()),
        )
