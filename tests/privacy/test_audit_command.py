"""``clientvault audit verify`` and ``audit tail``; tampering bypasses the append-only model."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from clientvault.privacy.actors import SystemActor
from clientvault.privacy.models import AuditEvent
from clientvault.privacy.services.audit import entry_hash, hashed_fields, record_event

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

JOB = SystemActor("tests")


def audit(*args: str) -> str:
    out = StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


def broken(*args: str) -> CommandError:
    with pytest.raises(CommandError) as failure:
        audit(*args)
    assert failure.value.returncode == 1
    return failure.value


@pytest.fixture
def chain() -> list[AuditEvent]:
    return [record_event(action=f"test.step{n}", actor=JOB, details={"n": n}) for n in range(1, 5)]


def test_it_verifies_an_intact_chain(chain):
    assert audit("verify").strip() == "audit log intact: 4 entries verified"


def test_it_verifies_an_empty_log():
    assert audit("verify").strip() == "audit log intact: 0 entries verified"


def test_it_names_an_edited_entry(chain):
    AuditEvent.objects.filter(seq=2).update(details={"n": 99})
    error = broken("verify")
    assert "entry #2 was altered after it was written" in str(error)
    assert "(1 earlier entry verified)" in str(error)


def test_it_names_a_deleted_entry(chain):
    AuditEvent.objects.filter(seq=3).delete()
    assert "entry #3 is missing (the next entry found is #4)" in str(broken("verify"))


def test_it_names_two_reordered_entries(chain):
    AuditEvent.objects.filter(seq=2).update(seq=1000)
    AuditEvent.objects.filter(seq=3).update(seq=2)
    AuditEvent.objects.filter(seq=1000).update(seq=3)
    assert "entry #2 does not follow entry #1" in str(broken("verify"))


def test_it_names_a_deleted_newest_entry(chain):
    AuditEvent.objects.filter(seq=4).delete()
    assert "entry #4 is missing (the head records 4 entries)" in str(broken("verify"))


def test_it_names_an_entry_rewritten_with_a_fresh_hash(chain):
    """Rewriting the newest entry and recomputing its hash still disagrees with the head."""
    last = AuditEvent.objects.get(seq=4)
    last.details = {"n": 99}
    AuditEvent.objects.filter(seq=4).update(
        details=last.details, hash=entry_hash(last.prev_hash, hashed_fields(last))
    )
    assert "entry #4 does not match the hash the head records" in str(broken("verify"))


def test_it_names_an_entry_appended_behind_the_heads_back(chain):
    forged = AuditEvent(
        seq=5, at=chain[-1].at, action="test.forged", prev_hash=chain[-1].hash, details={}
    )
    forged.hash = entry_hash(forged.prev_hash, hashed_fields(forged))
    AuditEvent.objects.bulk_create([forged])
    assert "entry #5 lies past the chain's head" in str(broken("verify"))


def test_it_tails_the_newest_entries_oldest_first(chain):
    lines = audit("tail", "-n", "2").splitlines()
    assert [line.split()[0] for line in lines] == ["#3", "#4"]
    assert 'system:tests (system) test.step4 {"n": 4}' in lines[1]


def test_it_tails_an_empty_log():
    assert audit("tail").strip() == "the audit log is empty"


def test_it_refuses_a_count_below_one():
    with pytest.raises(CommandError, match="-n must be at least 1"):
        audit("tail", "-n", "0")


def test_it_refuses_a_missing_verb():
    with pytest.raises(CommandError, match="verify,tail"):
        audit()
