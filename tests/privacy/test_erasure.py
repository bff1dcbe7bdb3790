import dataclasses
import json
import uuid

import pytest

from clientvault.privacy import inventory as inv
from clientvault.privacy import vault
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.fields import lookup
from clientvault.privacy.models import AuditEvent, Subject, SubjectKey
from clientvault.privacy.services.audit import verify_chain
from clientvault.privacy.services.erasure import shred_subject
from tests.kernelapp.helpers import make_contact, raw_column, reload
from tests.kernelapp.models import Contact

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

ACTOR = SystemActor("test")


@pytest.fixture
def ada():
    return make_contact(name="Ada Lovelace", email="ada@example.com", card="4111111111111111")


@pytest.fixture
def bob():
    return make_contact(name="Bob", email="bob@example.com")


def _found(email):
    return list(Contact.objects.filter(**lookup(Contact, "email_index", email)))


def test_shredding_makes_the_subject_unreadable_and_unfindable(ada, bob):
    second = make_contact(name="Ada", email="ada@work.example", subject=ada.subject)
    result = shred_subject(subject=ada.subject, actor=ACTOR, reason="request:42")
    assert (result.key_destroyed, result.indexes_cleared, result.already_erased) == (
        True,
        2,
        False,
    )
    for contact in (reload(ada), reload(second)):
        assert (contact.name, contact.email) == (vault.ERASED, vault.ERASED)
        assert raw_column(contact, "email_index") is None
    assert _found("ada@example.com") == []
    assert Subject.objects.get(pk=ada.subject_id).erased_at is not None
    assert SubjectKey.objects.get(subject_id=ada.subject_id).wrapped is None
    assert reload(bob).name == "Bob"
    assert _found("bob@example.com") == [bob]


def test_shredding_is_audited_with_the_subject_id_only(ada):
    shred_subject(subject=ada.subject_id, actor=ACTOR, reason="retention")
    event = AuditEvent.objects.get(action="subject.shredded")
    assert event.subject_id == ada.subject_id
    assert event.actor_id == "system:test"
    assert event.details == {
        "reason": "retention",
        "key_destroyed": True,
        "rows_cleared": 1,
        "rows_closed": 0,
    }
    text = (json.dumps(event.details) + event.object_id).lower()
    # The personal values themselves (a bare "ada" could be hex digits of an id).
    for value in ("lovelace", "ada@example.com", "4111111111111111"):
        assert value not in text
    assert verify_chain().first_break is None


def test_shredding_twice_changes_nothing_more(ada):
    shred_subject(subject=ada.subject, actor=ACTOR, reason="request:42")
    again = shred_subject(subject=ada.subject, actor=ACTOR, reason="request:42")
    assert (again.key_destroyed, again.indexes_cleared, again.already_erased) == (False, 0, True)
    assert AuditEvent.objects.filter(action="subject.shredded").count() == 1


def test_it_finishes_a_shredding_interrupted_after_the_key_was_destroyed(ada):
    vault.destroy_subject_key(ada.subject_id)  # the process died right after this
    result = shred_subject(subject=ada.subject, actor=ACTOR, reason="request:42")
    assert (result.key_destroyed, result.indexes_cleared, result.already_erased) == (
        False,
        1,
        False,
    )
    assert Subject.objects.get(pk=ada.subject_id).erased_at is not None
    assert AuditEvent.objects.filter(action="subject.shredded").count() == 1


def test_it_refuses_an_unknown_subject_and_destroys_nothing():
    unknown = uuid.uuid4()
    with pytest.raises(Subject.DoesNotExist, match=f"no subject with id {unknown}"):
        shred_subject(subject=unknown, actor=ACTOR, reason="request:42")
    assert not SubjectKey.objects.filter(subject_id=unknown).exists()
    assert not AuditEvent.objects.filter(action="subject.shredded").exists()


@pytest.mark.parametrize("reason", ["", "Ada asked us on the phone", "x" * 65])
def test_it_refuses_a_reason_that_is_not_a_short_code(ada, reason):
    with pytest.raises(ValueError, match="short code or reference"):
        shred_subject(subject=ada.subject, actor=ACTOR, reason=reason)
    assert reload(ada).name == "Ada Lovelace"


CLOSED: list[tuple[uuid.UUID, object]] = []


def close_contacts(*, subject_id: uuid.UUID, actor: object) -> int:
    """A test app's on_erasure: what it did, and 2 rows changed the first time only."""
    CLOSED.append((subject_id, actor))
    return 2 if len(CLOSED) == 1 else 0


@pytest.fixture
def hooked():
    declaration = inv.registry.declarations["kernelapp.Contact"]
    hook = "tests.privacy.test_erasure.close_contacts"
    inv.registry.declarations["kernelapp.Contact"] = dataclasses.replace(
        declaration, on_erasure=hook
    )
    CLOSED.clear()
    yield CLOSED
    inv.registry.declarations["kernelapp.Contact"] = declaration


def test_it_runs_each_apps_on_erasure_after_destroying_the_key(ada, hooked):
    result = shred_subject(subject=ada.subject, actor=ACTOR, reason="request:42")
    assert hooked == [(ada.subject_id, ACTOR)]
    assert result.rows_closed == 2
    event = AuditEvent.objects.get(action="subject.shredded")
    assert event.details["rows_closed"] == 2
    again = shred_subject(subject=ada.subject, actor=ACTOR, reason="request:42")
    assert (again.already_erased, len(hooked)) == (True, 2)  # asked again, nothing left to do
