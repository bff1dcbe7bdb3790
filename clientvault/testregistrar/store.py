"""The test registrar's state: one SQLite file, written by one connection under a lock.

It holds what a registrar holds for the domains it manages (status, expiry, ID protection, the
four contacts exactly as they were sent, the auth code) and the answers given to requests that
came with an Idempotency-Key.
"""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Any

from clientvault.localserver.store import SqliteStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS domains (
    name TEXT PRIMARY KEY, status TEXT NOT NULL, expires_on TEXT NOT NULL,
    id_protection INTEGER NOT NULL, contacts TEXT NOT NULL, auth_code TEXT NOT NULL,
    created REAL NOT NULL, updated REAL NOT NULL
);
"""


class Store(SqliteStore):
    """The domains; every read and write goes through ``transaction()``."""

    schema = SCHEMA

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
