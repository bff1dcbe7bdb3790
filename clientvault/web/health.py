"""The checks behind ``/healthz``: the data database, the key store and the job queue.

Each check returns a small dict of figures (never personal data) or raises; a check that raises
is reported as down with the reason. The checks run apart (each in its own savepoint), so one
failing does not spoil the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import Case, Count, F, Min, When
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from clientvault.privacy import vault
from clientvault.privacy.crypto import MasterKeyError
from clientvault.privacy.routers import KEYSTORE_ALIAS

logger = logging.getLogger("clientvault.health")
MAX_REASON_LENGTH = 200

Check = Callable[[], dict[str, Any]]


def _select_one(alias: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_database() -> dict[str, Any]:
    _select_one(DEFAULT_DB_ALIAS)
    return {"alias": DEFAULT_DB_ALIAS}


def check_key_store() -> dict[str, Any]:
    _select_one(KEYSTORE_ALIAS)
    # Read past the cache, so a master key that no longer matches the key store shows here.
    ring = vault.keyring.__wrapped__()
    return {"alias": KEYSTORE_ALIAS, "master_key_version": ring.current_version}


def check_job_queue() -> dict[str, Any]:
    # A ready task waits from its enqueueing, or from its run_after when it was scheduled.
    waiting_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after")
    )
    ready = DBTaskResult.objects.ready().aggregate(count=Count("pk"), since=Min(waiting_since))
    age = (timezone.now() - ready["since"]).total_seconds() if ready["since"] else 0.0
    return {
        "ready": ready["count"],
        "running": DBTaskResult.objects.running().count(),
        "oldest_ready_age_seconds": max(0, round(age)),
    }


CHECKS: dict[str, Check] = {
    "database": check_database,
    "key_store": check_key_store,
    "job_queue": check_job_queue,
}


@dataclass(frozen=True)
class Health:
    checks: dict[str, dict[str, Any]]

    @property
    def failing(self) -> list[str]:
        return [name for name, result in self.checks.items() if result["status"] != "up"]

    @property
    def ok(self) -> bool:
        return not self.failing

    def as_json(self) -> dict[str, Any]:
        if self.ok:
            return {"status": "ok", "checks": self.checks}
        return {"status": "down", "failing": self.failing, "checks": self.checks}


def run_checks() -> Health:
    return Health({name: _run(name, check) for name, check in CHECKS.items()})


def _run(name: str, check: Check) -> dict[str, Any]:
    try:
        with transaction.atomic(using=_alias_of(name)):
            return {"status": "up", **check()}
    except Exception as error:  # a health check reports every failure, it never raises
        reason = _reason(error)
        logger.warning("health check %s is down: %s", name, str(error)[:MAX_REASON_LENGTH])
        return {"status": "down", "error": reason}


def _alias_of(name: str) -> str:
    if name == "key_store":
        return KEYSTORE_ALIAS
    if name == "job_queue":
        return router.db_for_read(DBTaskResult) or DEFAULT_DB_ALIAS
    return DEFAULT_DB_ALIAS


def _reason(error: Exception) -> str:
    """A short public reason: the error's kind, never a path, host name or key text.

    The full message goes to the application log, which only operators read.
    """
    if isinstance(error, MasterKeyError):
        return "MasterKeyError: the master key does not open the key store"
    return type(error).__name__
