"""``clientvault audit verify``, ``anchor`` and ``tail``; tampering bypasses the append-only model.

The tampering is what someone who can write to the data database, but holds no key, can do:
rewrite rows, recompute hashes the only way they can (plain SHA-256, the scheme before the chain
was keyed), cut rows off and set the head to match.
"""

import hashlib
import json
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from clientvault.privacy.actors import SystemActor
from clientvault.privacy.crypto import new_key
from clientvault.privacy.models import AuditAnchor, AuditEvent, AuditHead
from clientvault.privacy.services.audit import (
    anchor_mac,
    audit_key,
    entry_hash,
    hashed_fields,
    record_event,
)

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
def chain(django_capture_on_commit_callbacks) -> list[AuditEvent]:
    """Four entries, each committed (so each anchored) as in production."""
    events = []
    for n in range(1, 5):
        with django_capture_on_commit_callbacks(execute=True):
            events.append(record_event(action=f"test.step{n}", actor=JOB, details={"n": n}))
    return events


def sha256_hash(prev_hash: str, event: AuditEvent) -> str:
    """The hash anyone can compute: the unkeyed scheme."""
    body = json.dumps(hashed_fields(event), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def set_head(seq: int) -> None:
    head_hash = AuditEvent.objects.get(seq=seq).hash
    AuditHead.objects.filter(id=1).update(seq=seq, hash=head_hash)


def rewrite_from(seq: int, details: dict[str, int]) -> None:
    """Rewrite one entry and recompute every later hash and link, and the head, with SHA-256."""
    AuditEvent.objects.filter(seq=seq).update(details=details)
    prev = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        event.prev_hash = prev
        prev = sha256_hash(prev, event)
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=prev)
    set_head(AuditEvent.objects.order_by("-seq").values_list("seq", flat=True)[0])


def cut_after(seq: int) -> None:
    AuditEvent.objects.filter(seq__gt=seq).delete()
    set_head(seq)


def test_it_verifies_an_intact_chain(chain):
    assert audit("verify").strip() == (
        "audit log intact: 4 entries verified, anchored in the key store up to #4"
    )


def test_it_verifies_an_empty_log():
    assert audit("verify").strip() == (
        "audit log intact: 0 entries verified, anchored in the key store up to #0"
    )


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
    assert "entry #4 is missing: the anchor in the key store vouches for 4" in str(broken("verify"))


def test_it_names_a_middle_entry_rewritten_with_a_fresh_hash(chain):
    """Every later hash and the head recomputed as the unkeyed chain would have them."""
    rewrite_from(2, {"n": 99})
    error = str(broken("verify"))
    assert error == (
        "audit log is broken: entry #2 was altered after it was written (its keyed hash does "
        "not match its content) (1 earlier entry verified)"
    )


def test_it_names_the_newest_entry_rewritten_with_a_fresh_hash(chain):
    rewrite_from(4, {"n": 99})
    assert "entry #4 was altered after it was written" in str(broken("verify"))


def test_it_names_a_log_cut_short_with_its_head_set_to_match(chain):
    cut_after(2)
    assert str(broken("verify")) == (
        "audit log is broken: entry #3 is missing: the anchor in the key store vouches for 4 "
        "entries (the log was cut short) (2 earlier entries verified)"
    )


def test_new_entries_grown_over_a_cut_are_never_anchored(chain, django_capture_on_commit_callbacks):
    cut_after(2)
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            record_event(action="test.after", actor=JOB, details={"n": n})
    assert AuditAnchor.objects.get().seq == 4
    assert "entry #4 does not match the hash anchored in the key store" in str(broken("verify"))


def test_it_says_the_anchor_is_missing_rather_than_intact(chain):
    AuditAnchor.objects.all().delete()
    assert str(broken("verify")).startswith(
        "audit log is broken: the anchor is missing from the key store, so nothing shows the "
        "log was not cut short"
    )


def test_it_names_an_anchor_forged_without_the_key(chain):
    cut_after(2)
    at, head_hash = timezone.now(), AuditEvent.objects.get(seq=2).hash
    AuditAnchor.objects.filter(id=1).update(
        seq=2, hash=head_hash, at=at, mac=anchor_mac(new_key(), 2, head_hash, at)
    )
    assert str(broken("verify")) == (
        "audit log is broken: the anchor in the key store is forged or damaged (its MAC does "
        "not verify) (2 entries verified)"
    )


def test_it_names_a_head_replaced(chain):
    AuditHead.objects.filter(id=1).update(hash=os.urandom(32).hex())
    assert "entry #4 does not match the hash the head records" in str(broken("verify"))


def test_it_names_an_entry_appended_behind_the_heads_back(chain):
    """Even with the key (the application's own hash), an entry the head never took is named."""
    forged = AuditEvent(
        seq=5, at=chain[-1].at, action="test.forged", prev_hash=chain[-1].hash, details={}
    )
    forged.hash = entry_hash(audit_key(), forged.prev_hash, hashed_fields(forged))
    AuditEvent.objects.bulk_create([forged])
    assert "entry #5 lies past the chain's head" in str(broken("verify"))


def test_anchor_writes_a_lost_checkpoint_again_for_an_intact_log(chain):
    AuditAnchor.objects.all().delete()
    assert audit("anchor").strip() == "audit log anchored in the key store at #4"
    assert AuditEvent.objects.order_by("-seq").first().action == "audit.anchored"
    assert audit("verify").strip().startswith("audit log intact: 5 entries verified")


def test_anchor_refuses_to_hide_a_log_cut_short(chain):
    cut_after(2)
    error = str(broken("anchor"))
    assert "entry #3 is missing: the anchor in the key store vouches for 4 entries" in error
    assert error.endswith("; the checkpoint was left as it is")
    assert AuditAnchor.objects.get().seq == 4


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
    with pytest.raises(CommandError, match="verify,tail,anchor"):
        audit()
