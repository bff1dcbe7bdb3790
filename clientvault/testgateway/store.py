"""The test gateway's state: one SQLite file, written by one connection under a lock.

It holds what a payment service provider holds: customers, hosted-form sessions, payment methods
(the card number too: this is the provider's side, and the number never leaves it), charges,
refunds, the answers given to idempotent requests, and the webhook events with their delivery.
"""

from __future__ import annotations

import secrets
from typing import Any

from clientvault.localserver.store import SqliteStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS customers (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, address TEXT NOT NULL, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS setup_sessions (
    id TEXT PRIMARY KEY, customer TEXT NOT NULL, kind TEXT NOT NULL, return_url TEXT NOT NULL,
    cancel_url TEXT NOT NULL, status TEXT NOT NULL, method TEXT, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS methods (
    token TEXT PRIMARY KEY, customer TEXT NOT NULL, kind TEXT NOT NULL, brand TEXT NOT NULL,
    last4 TEXT NOT NULL, exp_month INTEGER, exp_year INTEGER, holder_name TEXT NOT NULL,
    billing_address TEXT NOT NULL, number TEXT NOT NULL, email TEXT NOT NULL,
    detached INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS charges (
    id TEXT PRIMARY KEY, customer TEXT NOT NULL, method TEXT NOT NULL, amount INTEGER NOT NULL,
    currency TEXT NOT NULL, description TEXT NOT NULL, status TEXT NOT NULL,
    failure_code TEXT NOT NULL, failure_message TEXT NOT NULL,
    amount_refunded INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS refunds (
    id TEXT PRIMARY KEY, charge TEXT NOT NULL, amount INTEGER NOT NULL, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY, type TEXT NOT NULL, charge TEXT NOT NULL, body TEXT NOT NULL,
    created REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    delivered INTEGER NOT NULL DEFAULT 0, last_status TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS events_by_charge ON events (charge);
"""


def new_id(prefix: str) -> str:
    """A random id the way providers make them: ``ch_`` and 24 unguessable characters."""
    return f"{prefix}_{secrets.token_urlsafe(18).replace('-', 'x').replace('_', 'y')}"


class Store(SqliteStore):
    """Every read and write goes through ``transaction()``: one at a time, committed at its end."""

    schema = SCHEMA

    # --- reads -------------------------------------------------------------------------------

    def one(self, sql: str, *params: Any) -> dict[str, Any] | None:
        with self.transaction() as db:
            row = db.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def all(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        with self.transaction() as db:
            return [dict(row) for row in db.execute(sql, params).fetchall()]
