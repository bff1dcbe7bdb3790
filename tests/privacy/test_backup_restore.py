"""RET-3: an erased person's data cannot be read back from any backup taken before the erasure."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from clientvault.privacy import vault
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.fields import lookup
from clientvault.privacy.models import AuditAnchor, AuditEvent, Subject
from clientvault.privacy.services.audit import record_event, verify_chain
from clientvault.privacy.services.erasure import shred_subject
from tests.kernelapp.helpers import make_contact, wipe_data_database
from tests.kernelapp.models import Contact, Visit

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

ADA_CARD, BOB_CARD = "4111111111111111", "5500000000000004"


def _open(contact, field):
    return Contact._meta.get_field(field).open(contact)


def _restore(path):
    out = StringIO()
    call_command("restore", str(path), stdout=out)
    vault.reset_caches()
    return out.getvalue()


def test_a_subject_shredded_after_a_backup_stays_erased_when_it_is_restored(tmp_path):
    ada = make_contact(name="Ada Lovelace", email="ada@example.com", card=ADA_CARD)
    bob = make_contact(name="Bob Babbage", email="bob@example.com", card=BOB_CARD)
    Visit.objects.create(subject=bob.subject, ip_address="192.0.2.1", at=timezone.now())
    path = tmp_path / "before-erasure.cvbackup"
    call_command("backup", str(path), stdout=StringIO())

    shred_subject(subject=ada.subject, actor=SystemActor("test"), reason="request:1")
    wipe_data_database()  # a fresh data database beside the live key store
    assert not Contact.objects.exists()
    output = _restore(path)

    assert "1 subjects erased since then stay erased" in output
    restored_ada = Contact.objects.get(pk=ada.pk)
    assert (restored_ada.name, restored_ada.email) == (vault.ERASED, vault.ERASED)
    assert _open(restored_ada, "card_number") is vault.ERASED
    assert restored_ada.email_index is None
    assert not Contact.objects.filter(**lookup(Contact, "email_index", "ada@example.com"))
    assert Subject.objects.get(pk=ada.subject_id).erased_at is not None

    restored_bob = Contact.objects.get(**lookup(Contact, "email_index", "BOB@example.com"))
    assert (restored_bob.name, restored_bob.email) == ("Bob Babbage", "bob@example.com")
    assert _open(restored_bob, "card_number") == BOB_CARD
    assert Subject.objects.get(pk=bob.subject_id).erased_at is None

    assert verify_chain().first_break is None
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions[-2:] == ["subject.shredded", "backup.restored"]
    # New rows follow the restored ids (PostgreSQL sequences are reset).
    Visit.objects.create(subject=bob.subject, ip_address="192.0.2.2", at=timezone.now())
    assert Visit.objects.count() == 2


def test_a_backup_restores_every_row_as_it_was(tmp_path):
    ada = make_contact(name="Ada", email="ada@example.com")
    at = timezone.now() - dt.timedelta(days=3)
    Visit.objects.create(subject=ada.subject, ip_address="2001:db8::1", at=at)
    record_event(action="test.event", actor=None, subject_id=ada.subject_id)
    before = {
        "contacts": list(Contact.objects.values("id", "subject", "email_index", "created_at")),
        "subjects": list(Subject.objects.values()),
    }
    path = tmp_path / "b.cvbackup"
    call_command("backup", str(path), stdout=StringIO())
    wipe_data_database()
    _restore(path)
    assert (
        list(Contact.objects.values("id", "subject", "email_index", "created_at"))
        == (before["contacts"])
    )
    assert list(Subject.objects.values()) == before["subjects"]
    assert Visit.objects.get().at == at
    assert Contact.objects.get().email == "ada@example.com"
    assert verify_chain().checked == 2  # the restored event and the restore itself
    assert verify_chain().first_break is None


def test_a_restore_moves_the_anchor_back_to_the_restored_head_and_says_where_it_stood(
    tmp_path, django_capture_on_commit_callbacks
):
    for n in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            record_event(action="test.before", actor=None, details={"n": n})
    path = tmp_path / "b.cvbackup"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("backup", str(path), stdout=StringIO())  # the backup holds entries 1-2
    for n in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            record_event(action="test.after", actor=None, details={"n": n})
    assert AuditAnchor.objects.get().seq == 5
    wipe_data_database()
    with django_capture_on_commit_callbacks(execute=True):
        _restore(path)
    restored = AuditEvent.objects.get(action="backup.restored")
    assert restored.seq == 3
    assert restored.details["anchor_before"] == 5
    assert AuditAnchor.objects.get().seq == 3
    result = verify_chain()
    assert (result.checked, result.first_break, result.anchored) == (3, None, 3)


def test_it_refuses_a_backup_whose_audit_log_does_not_verify_with_the_key(tmp_path):
    record_event(action="test.one", actor=None, details={"n": 1})
    AuditEvent.objects.filter(seq=1).update(details={"n": 2})
    path = tmp_path / "b.cvbackup"
    call_command("backup", str(path), stdout=StringIO())
    wipe_data_database()
    with pytest.raises(CommandError, match="its audit log does not verify") as refused:
        _restore(path)
    assert "entry #1 was altered after it was written" in str(refused.value)
    assert "nothing was restored" in str(refused.value)
    assert not AuditEvent.objects.exists()
