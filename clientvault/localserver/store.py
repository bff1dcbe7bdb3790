"""A test server's state: one SQLite file, written by one connection under a lock.

A server's store subclasses :class:`SqliteStore` with its own tables in ``schema``; every store
also keeps the answers given to requests that carried an ``Idempotency-Key``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

IDEMPOTENCY_SCHEMA = """
CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL,
    created REAL NOT NULL
);
"""


class SqliteStore:
    """Every read and write goes through ``transaction()``: one at a time, committed at its end."""

    schema = ""  # the server's own tables (CREATE ... IF NOT EXISTS)

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(self.schema + IDEMPOTENCY_SCHEMA)

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

    # --- idempotency -------------------------------------------------------------------------

    @staticmethod
    def remembered(db: sqlite3.Connection, key: str) -> dict[str, Any] | None:
        """The answer kept for ``key`` (``fingerprint``, ``status``, ``body`` as JSON), if any."""
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
