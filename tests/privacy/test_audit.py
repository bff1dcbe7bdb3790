"""The audit log's append side: the chain, the personal-data guard, transactions, concurrency."""

import hashlib
import json
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from django.db import connection, connections, transaction

from clientvault.privacy.actors import SystemActor
from clientvault.privacy.backup import data_models
from clientvault.privacy.models import AuditAnchor, AuditEvent, AuditHead, Subject, SystemKey
from clientvault.privacy.routers import KEYSTORE_ALIAS
from clientvault.privacy.services.audit import (
    AUDIT_KEY_NAME,
    GENESIS,
    AuditDetailError,
    anchor_head,
    anchor_mac,
    audit_key,
    entry_hash,
    hashed_fields,
    record_event,
    verify_chain,
)

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

JOB = SystemActor("tests")
ROOT = Path(__file__).resolve().parents[2]


def test_it_links_each_entry_to_the_one_before():
    first = record_event(action="test.one", actor=JOB)
    second = record_event(action="test.two", actor=JOB, purpose="security")
    assert (first.seq, first.prev_hash) == (1, GENESIS)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (2, second.hash)
    assert verify_chain().checked == 2


def test_each_hash_is_keyed_with_a_key_kept_only_in_the_key_store():
    event = record_event(action="test.one", actor=JOB)
    body = json.dumps(hashed_fields(event), sort_keys=True, separators=(",", ":"))
    assert event.hash != hashlib.sha256(f"{GENESIS}\n{body}".encode()).hexdigest()
    assert event.hash == entry_hash(audit_key(), GENESIS, hashed_fields(event))
    assert SystemKey.objects.using(KEYSTORE_ALIAS).filter(name=AUDIT_KEY_NAME).exists()
    assert "privacy.SystemKey" not in [m._meta.label for m in data_models()]
    assert "privacy.AuditAnchor" not in [m._meta.label for m in data_models()]


def test_each_commit_that_appended_anchors_the_head_in_the_key_store(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        record_event(action="test.one", actor=JOB)
        last = record_event(action="test.two", actor=JOB)
    anchor = AuditAnchor.objects.using(KEYSTORE_ALIAS).get()
    assert (anchor.seq, anchor.hash) == (2, last.hash)
    assert anchor.mac == anchor_mac(audit_key(), 2, last.hash, anchor.at)
    assert verify_chain().anchored == 2


def test_an_append_that_rolls_back_leaves_the_anchor_where_it_was(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        record_event(action="test.kept", actor=JOB)

    def failing_caller() -> None:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            record_event(action="test.undone", actor=JOB)
            raise RuntimeError("the caller fails")

    with pytest.raises(RuntimeError):
        failing_caller()
    assert AuditAnchor.objects.get().seq == 1
    assert verify_chain().intact


def test_it_records_who_which_subject_and_which_object_by_id_only():
    subject = Subject.objects.create()
    event = record_event(
        action="subject.touched", actor=JOB, subject_id=subject.id, obj=subject, purpose="service"
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_id == "system:tests"
    assert stored.actor_role == "system"
    assert stored.subject_id == subject.id
    assert (stored.object_type, stored.object_id) == ("privacy.Subject", str(subject.pk))


def test_it_keeps_ids_codes_numbers_booleans_and_flat_lists():
    ref = uuid.uuid4()
    details = {"ref": ref, "count": 3, "dry_run": False, "none": None, "codes": ("a.b", "c")}
    event = record_event(action="test.details", actor=JOB, details=details)
    stored = AuditEvent.objects.get(pk=event.pk).details
    assert stored == {
        "ref": str(ref),
        "count": 3,
        "dry_run": False,
        "none": None,
        "codes": ["a.b", "c"],
    }
    assert verify_chain().intact


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("ada@example.com", "'@'"),
        ("x" * 65, "longer than 64"),
        ("line\nbreak", "line break"),
        ({"nested": 1}, "is a dict"),
        (1.5, "is a float"),
        (b"bytes", "is a bytes"),
        (2**60, "out of range"),
        (["ok", "ada@example.com"], "'@'"),
    ],
)
def test_it_refuses_details_that_are_not_ids_or_codes(value, why):
    with pytest.raises(AuditDetailError, match=why) as refused:
        record_event(action="test.leak", actor=JOB, details={"who": value})
    assert "details['who" in str(refused.value)
    assert "ada@example.com" not in str(refused.value)  # the error never repeats the value
    assert not AuditEvent.objects.exists()


def test_it_refuses_an_unknown_purpose_and_a_malformed_action():
    with pytest.raises(AuditDetailError, match="unknown purpose 'gossip'"):
        record_event(action="test.x", actor=JOB, purpose="gossip")
    with pytest.raises(AuditDetailError, match="short code") as refused:
        record_event(action="sent to ada@example.com", actor=JOB)
    assert "ada@example.com" not in str(refused.value)
    assert not AuditEvent.objects.exists()


def test_it_refuses_to_change_or_delete_an_entry_through_the_model():
    event = record_event(action="test.one", actor=JOB)
    event.action = "test.other"
    with pytest.raises(PermissionError, match="append-only"):
        event.save()
    with pytest.raises(PermissionError, match="append-only"):
        event.delete()


def test_it_leaves_no_trace_when_the_callers_transaction_rolls_back():
    record_event(action="test.kept", actor=JOB)

    def failing_caller() -> None:
        with transaction.atomic():
            record_event(action="test.undone", actor=JOB)
            raise RuntimeError("the caller fails")

    with pytest.raises(RuntimeError):
        failing_caller()
    record_event(action="test.after", actor=JOB)
    assert list(AuditEvent.objects.values_list("seq", "action")) == [
        (1, "test.kept"),
        (2, "test.after"),
    ]
    assert verify_chain().intact


THREADS, PER_THREAD = 4, 10


def race(threads: int = THREADS, per_thread: int = PER_THREAD) -> list[str]:
    """Append from several threads (each with its own connection) at once; the errors seen."""
    barrier, errors = threading.Barrier(threads), []

    def append(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    record_event(action="test.race", actor=JOB, details={"t": n, "i": i})
        except Exception as error:  # reported by the caller
            errors.append(repr(error))
        finally:
            connections.close_all()

    workers = [threading.Thread(target=append, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return errors


@pytest.mark.skipif(connection.vendor == "sqlite", reason="the in-memory test database cannot")
@pytest.mark.django_db(databases=["default", "keys"], transaction=True)
def test_it_keeps_one_gap_free_chain_under_concurrent_appends():
    assert race() == []
    seqs = list(AuditEvent.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS * PER_THREAD + 1))
    result = verify_chain()
    assert (result.checked, result.first_break) == (THREADS * PER_THREAD, None)
    # The test key store (SQLite in memory, shared cache) refuses parallel writers at once, so a
    # commit's anchoring may fail there; the next commit's anchors what it left (the file test
    # below sees every commit anchored).
    anchor_head()
    assert verify_chain().anchored == THREADS * PER_THREAD


RACE_ON_A_FILE = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("migrate", database="keys", verbosity=0)
from clientvault.privacy.models import AuditEvent
from clientvault.privacy.services.audit import verify_chain
from tests.privacy.test_audit import race
errors = race()
result = verify_chain()
print(errors, list(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, 41)))
print(result.checked, result.first_break, result.anchored)
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own locking, once per run")
def test_it_keeps_one_gap_free_chain_under_concurrent_appends_on_a_sqlite_file(tmp_path):
    """The test database is in memory; a real SQLite file locks as production does."""
    env = {k: v for k, v in os.environ.items() if "DATABASE_URL" not in k}
    env |= {"CLIENTVAULT_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "clientvault.settings"}
    run = subprocess.run(
        [sys.executable, "-c", RACE_ON_A_FILE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    total = THREADS * PER_THREAD
    assert run.stdout.splitlines() == ["[] True", f"{total} None {total}"]
