import datetime
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django_tasks_db.models import DBTaskResult

from clientvault.privacy.management.commands.scheduler import seconds_to_next_tick
from clientvault.privacy.models import PeriodicRun
from clientvault.privacy.tasks import PERIODIC_JOBS, enqueue_due_jobs

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

MORNING = datetime.datetime(2030, 3, 1, 8, 0, tzinfo=datetime.UTC)
EVENING = MORNING.replace(hour=23, minute=59)
SWEEP = [job for job in PERIODIC_JOBS if job.name == "retention_sweep"]


def sweeps() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path="clientvault.privacy.tasks.retention_sweep"))


def test_it_enqueues_the_daily_sweep_once_per_day():
    [run] = enqueue_due_jobs(now=MORNING, jobs=SWEEP)
    assert (run.job, run.period, run.enqueued_at) == ("retention_sweep", "2030-03-01", MORNING)
    assert enqueue_due_jobs(now=MORNING, jobs=SWEEP) == []
    assert enqueue_due_jobs(now=EVENING, jobs=SWEEP) == []
    [task] = sweeps()
    assert task.args_kwargs == {"args": [], "kwargs": {"period": "2030-03-01"}}


def test_it_enqueues_again_the_next_day():
    enqueue_due_jobs(now=MORNING, jobs=SWEEP)
    [run] = enqueue_due_jobs(now=MORNING + datetime.timedelta(days=1), jobs=SWEEP)
    assert run.period == "2030-03-02"
    assert len(sweeps()) == 2


@pytest.mark.django_db(transaction=True, databases=["default", "keys"])
def test_two_schedulers_at_once_enqueue_a_job_once():
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory test database fails concurrent writers instead of waiting")
    barrier = threading.Barrier(2)
    enqueued: list[int] = []

    def scheduler() -> None:
        try:
            barrier.wait(timeout=10)
            enqueued.append(len(enqueue_due_jobs(now=MORNING, jobs=SWEEP)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(enqueued) == [0, 1]
    assert len(sweeps()) == 1
    assert PeriodicRun.objects.count() == 1


def test_it_enqueues_from_the_command_once():
    out = io.StringIO()
    call_command("scheduler", "--once", stdout=out)
    call_command("scheduler", "--once", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split(" for ")[0] for line in lines[:-1]] == [
        f"enqueued {job.name}" for job in PERIODIC_JOBS
    ]
    assert lines[-1] == "nothing due"
    assert len(sweeps()) == 1


@pytest.mark.django_db(transaction=True, databases=["default", "keys"])
def test_it_runs_what_it_enqueued():
    call_command("scheduler", "--once", stdout=io.StringIO())
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
    [task] = sweeps()
    assert task.status == "SUCCESSFUL"
    assert task.return_value["skipped"] is False


def test_it_wakes_at_the_start_of_each_minute():
    assert seconds_to_next_tick(120.0) == 60.0
    assert seconds_to_next_tick(150.5) == 29.5
    assert seconds_to_next_tick(179.5) == 1.0
