"""The test registrar's state: one SQLite file, written by one connection under a lock.

It holds what a registrar holds for the domains it manages (status, expiry, ID protection, the
four contacts exactly as they were sent, the auth code) and the answers given to requests that
came with an Idempotency-Key.
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

SCHEMA = """
CREATE TABLE IF NOT EXISTS domains (
    name TEXT PRIMARY KEY, status TEXT NOT NULL, expires_on TEXT NOT NULL,
    id_protection INTEGER NOT NULL, contacts TEXT NOT NULL, auth_code TEXT NOT NULL,
    created REAL NOT NULL, updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL,
    created REAL NOT NULL
);
"""


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

    # --- domains ---------------------------------------------------------------------------

    @staticmethod
    def domain(db: sqlite3.Connection, name: str) -> dict[str, Any] | None:
        row = db.execute("SELECT * FROM domains WHERE name = ?", (name,)).fetchone()
        if row is None:
            return None
        found = dict(row)
        found["contacts"] = json.loads(found["contacts"])
        found["id_protection"] = bool(found["id_protection"])
        return found

    @staticmethod
    def save_domain(db: sqlite3.Connection, domain: dict[str, Any]) -> None:
        """Insert or replace the domain ``domain["name"]``."""
        now = time.time()
        db.execute(
            "INSERT INTO domains (name, status, expires_on, id_protection, contacts, auth_code, "
            "created, updated) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (name) DO UPDATE SET "
            "status = excluded.status, expires_on = excluded.expires_on, "
            "id_protection = excluded.id_protection, contacts = excluded.contacts, "
            "auth_code = excluded.auth_code, updated = excluded.updated",
            (
                domain["name"],
                domain["status"],
                domain["expires_on"],
                int(domain["id_protection"]),
                json.dumps(domain["contacts"]),
                domain["auth_code"],
                now,
                now,
            ),
        )

    def domains(self) -> list[dict[str, Any]]:
        """Every domain held (for tests and the demo)."""
        with self.transaction() as db:
            names = [row[0] for row in db.execute("SELECT name FROM domains ORDER BY name")]
            return [found for name in names if (found := self.domain(db, name)) is not None]

    # --- idempotency -----------------------------------------------------------------------

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
