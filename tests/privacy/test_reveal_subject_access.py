"""The right of access: a subject reveals their own restricted data, and no one else's."""

import pytest

from clientvault.accounts.models import User
from clientvault.privacy import vault
from clientvault.privacy.actors import SYSTEM, SubjectActor, actor_ref, actor_roles
from clientvault.privacy.models import AuditEvent, Subject
from clientvault.privacy.reveal import RevealDenied, reveal
from clientvault.privacy.services.audit import verify_chain
from clientvault.privacy.taxonomy import SUBJECT_ACCESS
from tests.kernelapp.models import Contact
from tests.privacy.test_reveal import staff

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

CARD = "4111111111111111"


@pytest.fixture
def contact() -> Contact:
    subject = Subject.objects.create()
    vault.create_subject_key(subject.id)
    Contact.objects.create(subject=subject, name="Ada", email="ada@example.com", card_number=CARD)
    return Contact.objects.get(subject=subject)


def refusal(contact: Contact, field: str, actor) -> str:
    with pytest.raises(RevealDenied) as denied:
        reveal(contact, field, SUBJECT_ACCESS, actor)
    event = AuditEvent.objects.get(action="reveal.denied")
    assert event.purpose == SUBJECT_ACCESS
    return denied.value.reason


def test_it_names_the_subject_actor_by_its_subject():
    actor = SubjectActor(Subject.objects.create().id)
    assert actor_ref(actor) == f"subject:{actor.subject_id}"
    assert actor_roles(actor) == {"customer"}


def test_it_reveals_a_subject_their_own_restricted_field_audited(contact):
    actor = SubjectActor(contact.subject_id)
    assert reveal(contact, "card_number", SUBJECT_ACCESS, actor) == CARD
    event = AuditEvent.objects.get(action="reveal")
    assert (event.actor_id, event.actor_role) == (f"subject:{contact.subject_id}", "customer")
    assert (event.subject_id, event.purpose) == (contact.subject_id, SUBJECT_ACCESS)
    assert event.details == {"model": "kernelapp.Contact", "field": "card_number"}
    assert verify_chain().intact


def test_it_reveals_through_a_login_of_the_same_subject(contact):
    login = User.objects.create_user(username="ada", subject=contact.subject)
    assert reveal(contact, "card_number", SUBJECT_ACCESS, login) == CARD


def test_it_refuses_another_subject(contact):
    other = SubjectActor(Subject.objects.create().id)
    assert refusal(contact, "card_number", other) == "not_the_subject"


def test_it_refuses_staff_the_right_of_access(contact):
    assert refusal(contact, "card_number", staff("clerk", "billing")) == "not_the_subject"


def test_it_refuses_the_system_the_right_of_access(contact):
    assert refusal(contact, "card_number", SYSTEM) == "not_the_subject"


def test_it_refuses_a_field_that_is_not_personal(contact):
    actor = SubjectActor(contact.subject_id)
    assert refusal(contact, "created_at", actor) == "not_personal"


def test_it_reads_an_erased_subjects_field_as_erased(contact):
    vault.destroy_subject_key(contact.subject_id)
    vault.reset_caches()
    fresh = Contact.objects.get(pk=contact.pk)
    assert reveal(fresh, "card_number", SUBJECT_ACCESS, SubjectActor(contact.subject_id)) == (
        vault.ERASED
    )
