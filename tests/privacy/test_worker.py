import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from clientvault.privacy.models import AuditEvent, PeriodicRun, RetentionRun, Subject
from clientvault.privacy.tasks import retention_sweep
from tests.kernelapp.models import Visit

# The worker closes connections that are inside a transaction (as it should): real transactions.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "keys"])

ROOT = Path(__file__).resolve().parents[2]


@task()
def probe(number: int) -> int:
    """A job that fails if it ever runs twice: its PeriodicRun row is unique."""
    if number < 0:
        raise ValueError("a negative probe")
    time.sleep(0.05)
    PeriodicRun.objects.create(job="probe", period=str(number), enqueued_at=timezone.now())
    return number


def run_worker(*args: str) -> None:
    call_command("worker", "--batch", "--no-startup-delay", *args, verbosity=0)


@pytest.fixture
def old_visits():
    subject = Subject.objects.create()
    now = timezone.now()
    for days in (400, 401, 2):
        Visit.objects.create(subject=subject, ip_address="192.0.2.9", at=now - timedelta(days))


def test_it_runs_an_enqueued_sweep(old_visits):
    result = retention_sweep.enqueue(period="2030-01-01")
    run_worker()
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["deleted"] == 2
    assert result.return_value["skipped"] is False
    assert Visit.objects.count() == 1
    assert RetentionRun.objects.count() == 1
    assert AuditEvent.objects.filter(action="retention.swept").count() == 1


def test_it_does_nothing_extra_on_a_second_run_the_same_day(old_visits):
    first = retention_sweep.enqueue()
    second = retention_sweep.enqueue()
    run_worker()
    first.refresh()
    second.refresh()
    assert second.status == TaskResultStatus.SUCCESSFUL
    assert second.return_value == {"period": "", "run": first.return_value["run"], "skipped": True}
    assert RetentionRun.objects.count() == 1
    assert AuditEvent.objects.filter(action="retention.swept").count() == 1


def test_it_stops_after_max_tasks():
    for number in range(3):
        probe.enqueue(number)
    call_command("worker", "--max-tasks", "2", "--no-startup-delay", "--interval", "0", verbosity=0)
    statuses = sorted(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == ["READY", "SUCCESSFUL", "SUCCESSFUL"]


def test_it_records_a_failed_job():
    result = probe.enqueue(-1)
    run_worker()
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path == "builtins.ValueError"


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


def test_two_workers_never_run_one_job_twice():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SKIP LOCKED) are a PostgreSQL matter; SQLite has one writer")
    for number in range(40):
        probe.enqueue(number)
    env = {**os.environ, "DATABASE_URL": _database_url()}
    command = [sys.executable, "-m", "clientvault.cli", "worker", "--batch", "--no-startup-delay"]
    workers = [
        subprocess.Popen([*command, "--worker-id", f"w{n}", "-v", "0"], cwd=ROOT, env=env)
        for n in (1, 2)
    ]
    assert [w.wait(timeout=60) for w in workers] == [0, 0]
    results = list(DBTaskResult.objects.all())
    assert {r.status for r in results} == {TaskResultStatus.SUCCESSFUL}
    assert all(len(r.worker_ids) == 1 for r in results)
    assert PeriodicRun.objects.filter(job="probe").count() == 40
    assert {r.worker_ids[0] for r in results} == {"w1", "w2"}


def test_it_puts_the_signal_handlers_back():
    before = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    run_worker()
    assert {number: signal.getsignal(number) for number in before} == before
