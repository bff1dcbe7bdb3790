"""What the test panel does with its accounts: the plans it knows and the rules it keeps.

Each operation runs inside one store transaction and returns an :class:`Answer`, or raises
:class:`ApiError` (a refusal with a stable code and a sentence that repeats nothing sent).

The failure switches (for tests and the demo): an account whose domain starts ``slow-`` is
created, but the answer comes only after the configured delay; one whose domain starts
``down-`` is never created (503), and suspending, unsuspending or terminating such an account
fails the same way.
"""

from __future__ import annotations

import re
import sqlite3
import time
from typing import Any

from clientvault.localserver.server import JSON, Answer, ApiError
from clientvault.testpanel.store import new_id

# Plan codes and their disk limits in MB; add-ons have no disk of their own.
PLANS: dict[str, int] = {
    "shared-starter": 5_000,
    "shared-plus": 20_000,
    "shared-pro": 50_000,
    "vps-small": 40_000,
    "vps-medium": 80_000,
    "vps-large": 160_000,
    "dedicated-e3": 1_000_000,
    "addon-backup": 0,
    "addon-ssl": 0,
    "addon-cdn": 0,
}
DEFAULT_DISK_MB = 100
MAX_USAGE_MB = 1_000_000_000
MAX_TEXT = 200
USERNAME_LENGTH = 8
SLOW_PREFIX, DOWN_PREFIX = "slow-", "down-"

SERVICE_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
DOMAIN = re.compile(rf"(?=.{{1,253}}$){LABEL}(?:\.{LABEL})+")


# --- checks on what was sent ----------------------------------------------------------------


def _text(body: JSON, name: str, *, required: bool = True) -> str:
    value = body.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ApiError(400, "parameter_invalid", f"{name} must be a string.")
    value = value.strip()
    if required and not value:
        raise ApiError(400, "parameter_missing", f"{name} is required.")
    if len(value) > MAX_TEXT:
        raise ApiError(400, "parameter_invalid", f"{name} is too long (at most {MAX_TEXT}).")
    return value


def check_service_ref(value: str) -> str:
    if not SERVICE_REF.fullmatch(value):
        raise ApiError(
            400,
            "parameter_invalid",
            "service_ref must be 1 to 64 letters, digits, dots, dashes or underscores.",
        )
    return value


def _domain(body: JSON) -> str:
    domain = _text(body, "domain").lower().removesuffix(".")
    if not DOMAIN.fullmatch(domain):
        raise ApiError(
            400,
            "invalid_domain",
            "domain must be a host name in ASCII (A-labels), such as example.com.",
        )
    return domain


def _plan(body: JSON) -> str:
    plan = _text(body, "plan")
    if plan not in PLANS:
        raise ApiError(422, "unknown_plan", "The panel has no plan with this code (GET /v1/plans).")
    return plan


def _megabytes(body: JSON, name: str, current: int) -> int:
    value = body.get(name, current)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_USAGE_MB:
        raise ApiError(400, "parameter_invalid", f"{name} must be a whole number of MB, 0 or more.")
    return int(value)


# --- views ------------------------------------------------------------------------------------


def account_view(row: JSON) -> JSON:
    return {
        "object": "account",
        "id": row["id"],
        "service_ref": row["service_ref"],
        "username": row["username"],
        "domain": row["domain"],
        "plan": row["plan"],
        "status": row["status"],
        "suspension_reason": row["suspension_reason"],
    }


def plans_view() -> JSON:
    data = [
        {"code": code, "disk_mb": disk, "addon": code.startswith("addon-")}
        for code, disk in PLANS.items()
    ]
    return {"object": "list", "data": data}


def username_for(db: sqlite3.Connection, domain: str) -> str:
    """The domain's letters and digits, cut to eight and made unique with a number at the end."""
    letters = re.sub(r"[^a-z0-9]", "", domain.removeprefix("xn--")).lstrip("0123456789")
    base = (letters or "site")[:USERNAME_LENGTH]
    candidate, number = base, 0
    while db.execute("SELECT 1 FROM accounts WHERE username = ?", (candidate,)).fetchone():
        number += 1
        suffix = str(number)
        candidate = base[: USERNAME_LENGTH - len(suffix)] + suffix
    return candidate


def insert_account(
    db: sqlite3.Connection,
    *,
    service_ref: str,
    domain: str,
    plan: str,
    status: str = "active",
    suspension_reason: str = "",
) -> None:
    """A new account, with what a new account uses (:data:`DEFAULT_DISK_MB`, no bandwidth).

    ``create`` inserts through it; the demo and tests may too, to put in accounts the API would
    not make (one on a ``down-`` domain, one already suspended or terminated).
    """
    now = time.time()
    db.execute(
        "INSERT INTO accounts (service_ref, id, username, domain, plan, status, suspension_reason,"
        " disk_mb, bandwidth_mb, created, changed) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (
            service_ref,
            new_id("acct"),
            username_for(db, domain),
            domain,
            plan,
            status,
            suspension_reason,
            min(DEFAULT_DISK_MB, PLANS.get(plan, 0)),
            0,
            now,
            now,
        ),
    )


# --- what the panel does -----------------------------------------------------------------------


class Panel:
    """The panel's operations; each is given an open store transaction."""

    def read_plans(self, db: sqlite3.Connection, body: JSON) -> Answer:
        return Answer(200, plans_view())

    def create(self, db: sqlite3.Connection, body: JSON) -> Answer:
        service_ref = check_service_ref(_text(body, "service_ref"))
        domain, plan = _domain(body), _plan(body)
        if domain.startswith(DOWN_PREFIX):
            raise _unavailable()
        existing = self._find(db, service_ref)
        if existing is not None:
            if (existing["domain"], existing["plan"]) != (domain, plan):
                raise ApiError(
                    409,
                    "service_ref_conflict",
                    "An account with this service_ref already exists with another domain or plan.",
                )
            return Answer(200, account_view(existing))
        insert_account(db, service_ref=service_ref, domain=domain, plan=plan)
        row = self._account(db, service_ref)
        return Answer(201, account_view(row), hang=domain.startswith(SLOW_PREFIX))

    def read(self, db: sqlite3.Connection, body: JSON, service_ref: str) -> Answer:
        return Answer(200, account_view(self._account(db, service_ref)))

    def suspend(self, db: sqlite3.Connection, body: JSON, service_ref: str) -> Answer:
        reason = _text(body, "reason", required=False)
        row = self._reachable(db, service_ref)
        if row["status"] == "terminated":
            raise _invalid_state("The account is terminated; it cannot be suspended.")
        if row["status"] == "active":
            row = self._update(db, service_ref, status="suspended", suspension_reason=reason)
        return Answer(200, account_view(row))

    def unsuspend(self, db: sqlite3.Connection, body: JSON, service_ref: str) -> Answer:
        row = self._reachable(db, service_ref)
        if row["status"] != "suspended":
            raise _invalid_state(
                f"The account is {row['status']}; only a suspended account can be unsuspended."
            )
        row = self._update(db, service_ref, status="active", suspension_reason="")
        return Answer(200, account_view(row))

    def terminate(self, db: sqlite3.Connection, body: JSON, service_ref: str) -> Answer:
        row = self._reachable(db, service_ref)
        if row["status"] == "terminated":
            raise _invalid_state("The account is already terminated.")
        row = self._update(db, service_ref, status="terminated")
        return Answer(200, account_view(row))

    def change_plan(self, db: sqlite3.Connection, body: JSON, service_ref: str) -> Answer:
        row = self._account(db, service_ref)
        plan = _plan(body)
        if row["status"] == "terminated":
            raise _invalid_state("The account is terminated; its plan cannot be changed.")
        if row["plan"] == plan:
            return Answer(200, account_view(row))
        if row["disk_mb"] > PLANS[plan]:
            raise ApiError(
                409,
                "usage_over_plan",
                f"The account uses {row['disk_mb']:,} MB of disk; "
                f"the plan {plan} allows {PLANS[plan]:,} MB.",
            )
        row = self._update(db, service_ref, plan=plan)
        return Answer(200, account_view(row))

    def read_usage(self, db: sqlite3.Connection, body: JSON, service_ref: str) -> Answer:
        return Answer(200, _usage_view(self._account(db, service_ref)))

    def set_usage(self, db: sqlite3.Connection, body: JSON, service_ref: str) -> Answer:
        """The test hook: what the account uses from now on."""
        row = self._account(db, service_ref)
        disk = _megabytes(body, "disk_mb", row["disk_mb"])
        bandwidth = _megabytes(body, "bandwidth_mb", row["bandwidth_mb"])
        row = self._update(db, service_ref, disk_mb=disk, bandwidth_mb=bandwidth)
        return Answer(200, _usage_view(row))

    # --- rows ---

    @staticmethod
    def _find(db: sqlite3.Connection, service_ref: str) -> JSON | None:
        row = db.execute("SELECT * FROM accounts WHERE service_ref = ?", (service_ref,)).fetchone()
        return dict(row) if row is not None else None

    def _account(self, db: sqlite3.Connection, service_ref: str) -> JSON:
        row = self._find(db, service_ref)
        if row is None:
            raise ApiError(404, "not_found", "The panel has no account with this service_ref.")
        return row

    def _reachable(self, db: sqlite3.Connection, service_ref: str) -> JSON:
        """The account, if the server that holds it answers (not one on a ``down-`` domain)."""
        row = self._account(db, service_ref)
        if row["domain"].startswith(DOWN_PREFIX):
            raise _unavailable()
        return row

    def _update(self, db: sqlite3.Connection, service_ref: str, **values: Any) -> JSON:
        columns = ", ".join(f"{name} = ?" for name in values)  # names from this module only
        db.execute(
            f"UPDATE accounts SET {columns}, changed = ? WHERE service_ref = ?",  # noqa: S608
            (*values.values(), time.time(), service_ref),
        )
        return self._account(db, service_ref)


def _usage_view(row: JSON) -> JSON:
    return {
        "object": "usage",
        "service_ref": row["service_ref"],
        "disk_mb": row["disk_mb"],
        "bandwidth_mb": row["bandwidth_mb"],
        "disk_limit_mb": PLANS.get(row["plan"], 0),
    }


def _invalid_state(message: str) -> ApiError:
    return ApiError(409, "invalid_state", message)


def _unavailable() -> ApiError:
    return ApiError(
        503, "server_unavailable", "The server that holds this account is not answering."
    )
