"""Erasure requests survive workers killed mid-job: each completes once, no one half-erased.

Real ``clientvault worker`` processes share the job queue on PostgreSQL (SKIP LOCKED); one of
them is killed with SIGKILL at random moments and started again, many times. django-tasks'
database backend leaves a killed worker's job RUNNING for ever, so ``resume_stalled_requests``
queues the work of every request still in progress again, as its hourly run does. At the end
every request has one completion entry and one completion notice, and every person on the
accounts is erased through and through.

The workers need the key store the test wrote to: a key store on PostgreSQL is shared by URL;
SQLite's test key store lives in this process's memory, so it is copied to a file first (the
workers then destroy keys in that file, which the checks read).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection, connections
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from clientvault.accounts.models import Person
from clientvault.messaging.models import Message
from clientvault.messaging.services.outbox import header_id_for
from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.directory import directory
from clientvault.privacy.models import Subject
from clientvault.privacy.services.erasure import plan_erasure
from clientvault.rights import messages
from clientvault.rights.models import (
    Channel,
    Kind,
    RequestEvent,
    RightsRequest,
    Scope,
    Status,
    Verification,
)
from clientvault.rights.services.requests import Ask, create_request
from clientvault.rights.services.verification import mark_verified
from clientvault.rights.services.work import fulfil_request, resume_stalled_requests
from tests.accounts.personas import OWNER_DETAILS, add_authorised_user, open_test_account

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "keys"])

ROOT = Path(__file__).resolve().parents[2]
ACCOUNTS = 8
WORKERS = 3
KILLS = 8


def _url(alias: str) -> str:
    s = connections[alias].settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


def _keys_url(tmp_path: Path) -> tuple[str, Path | None]:
    """The key store's URL for the workers (and the file it was copied to, on SQLite)."""
    if connections["keys"].vendor == "postgresql":
        return _url("keys"), None
    connections["keys"].ensure_connection()
    path = tmp_path / "keys.sqlite3"
    with sqlite3.connect(path) as copy:
        connections["keys"].connection.backup(copy)
    return f"sqlite:///{path}", path


def _erasure_requested(number: int) -> RightsRequest:
    owner = open_test_account(
        username=f"kill{number}",
        details=OWNER_DETAILS
        | {"family_name": f"Worker{number}", "email": f"kim{number}@example.com"},
    )
    add_authorised_user(owner, username=f"mate{number}", email=f"mate{number}@example.com")
    request = create_request(
        ask=Ask(kind=Kind.ERASURE, scope=Scope.ACCOUNT),
        channel=Channel.OPERATOR,
        subject_id=owner.subject_id,
        given=directory().contact(owner.subject_id),  # type: ignore[arg-type]
        actor=SYSTEM,
        account=owner.customer.number,
    )
    mark_verified(request=request, how=Verification.OPERATOR, actor=SYSTEM)  # queues the work
    return request


class Workers:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, name: str) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "clientvault.cli", "worker", "--no-startup-delay"]
        command += ["--interval", "0.05", "--worker-id", name, "-v", "0"]
        process = subprocess.Popen(command, cwd=ROOT, env=self.env)
        self.running.append(process)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait()
        self.running.remove(process)

    def stop_all(self) -> None:
        for process in self.running:
            process.send_signal(signal.SIGTERM)
        for process in self.running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.running.clear()


def _open_requests() -> int:
    return RightsRequest.objects.filter(status=Status.IN_PROGRESS).count()


def _busy(name: str, seconds: float) -> bool:
    """Wait until the named worker runs a job; False if it has none within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
        if any(name in ids for ids in running.values_list("worker_ids", flat=True)):
            return True
        time.sleep(0.02)
    return False


def _kill_at_random(workers: Workers, rng: random.Random) -> int:
    """Kill a worker at a random moment of a job, many times, starting a new one each time;
    the number of kills made in the middle of a job."""
    kills = 0
    for number in range(KILLS):
        if not _open_requests():
            break
        if not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists():
            resume_stalled_requests.call()  # the jobs earlier kills left running, queued again
        name = f"victim-{number}"
        victim = workers.start(name)
        busy = _busy(name, 10)
        time.sleep(rng.uniform(0.0, 0.25))
        workers.kill(victim)
        kills += busy
    return kills


def _wait_until_done(seconds: float) -> None:
    """What the hourly ``resume_stalled_requests`` does, until every request is finished."""
    deadline = time.monotonic() + seconds
    while _open_requests() and time.monotonic() < deadline:
        if not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists():
            resume_stalled_requests.call()
        time.sleep(0.5)


def _key_destroyed(keys_file: Path | None, subject_id: uuid.UUID) -> bool:
    if keys_file is None:
        with connections["keys"].cursor() as cursor:
            cursor.execute(
                "SELECT wrapped IS NULL FROM privacy_subjectkey WHERE subject_id = %s",
                [subject_id],
            )
            return bool(cursor.fetchone()[0])
    with sqlite3.connect(keys_file) as keys:
        row = keys.execute(
            "SELECT wrapped IS NULL FROM privacy_subjectkey WHERE subject_id = ?",
            [subject_id.hex],
        ).fetchone()
    return bool(row[0])


def _plan(subject_id: uuid.UUID) -> list[tuple[str, str, int]]:
    return [(ln.where, ln.outcome, ln.rows) for ln in plan_erasure(subject_id=subject_id).lines]


def _state(subject_id: uuid.UUID, keys_file: Path | None) -> dict[str, bool]:
    """The marks of a finished erasure: each True once erased, each False if untouched."""
    person = Person.objects.filter(subject_id=subject_id).first()
    return {
        "marked_erased": Subject.objects.get(pk=subject_id).erased_at is not None,
        "plan_says_erased": plan_erasure(subject_id=subject_id).already_erased,
        "key_destroyed": _key_destroyed(keys_file, subject_id),
        "email_index_cleared": person is None or person.email_index is None,
    }


def _erased_once() -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int]]]:
    """The plans left by an erasure that nobody interrupted (owner, authorised user)."""
    request = _erasure_requested(ACCOUNTS)
    owner, mate = Person.objects.filter(customer__number=request.account).order_by("-role")
    fulfil_request.call(request_id=str(request.pk))
    return _plan(owner.subject_id), _plan(mate.subject_id)


def test_killed_workers_leave_every_erasure_complete_once(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("several workers at once need PostgreSQL's row locks; SQLite has one writer")
    requests = [_erasure_requested(number) for number in range(ACCOUNTS)]
    subjects = {
        r.pk: list(
            Person.objects.filter(customer__number=r.account).values_list("subject_id", flat=True)
        )
        for r in requests
    }
    expected = _erased_once()
    keys_url, keys_file = _keys_url(tmp_path)
    env = {**os.environ, "DATABASE_URL": _url("default"), "CLIENTVAULT_KEYS_DATABASE_URL": keys_url}
    workers = Workers(env)
    try:
        kills = _kill_at_random(workers, random.Random(8))
        for number in range(WORKERS):
            workers.start(f"steady-{number}")
        _wait_until_done(40)
    finally:
        workers.stop_all()

    assert kills >= 1
    for request in requests:
        request.refresh_from_db()
        assert request.status == Status.COMPLETED, request.outcome
        completions = RequestEvent.objects.filter(request=request, step=Status.COMPLETED)
        assert completions.count() == 1
        notice = header_id_for(f"rights:{request.pk}:{messages.COMPLETED.key}")
        assert Message.objects.filter(header_id=notice).count() == 1
        sent_to_requester = Message.objects.filter(subject_id=request.requester_id)
        assert sent_to_requester.filter(kind=messages.COMPLETED.key).count() == 1
        assert sorted(request.outcome["erased"]) == sorted(str(s) for s in subjects[request.pk])
        owner, mate = Person.objects.filter(customer__number=request.account).order_by("-role")
        assert (_plan(owner.subject_id), _plan(mate.subject_id)) == expected
        for subject_id in subjects[request.pk]:
            state = _state(subject_id, keys_file)
            assert all(state.values()), (subject_id, state)
