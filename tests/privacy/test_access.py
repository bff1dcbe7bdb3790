"""The staff access log (SEC-5): views are recorded, and a breach can be scoped from them."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from clientvault.accounts.models import User
from clientvault.privacy import vault
from clientvault.privacy.actors import actor_ref
from clientvault.privacy.models import AuditEvent, Subject
from clientvault.privacy.reveal import RevealDenied, reveal
from clientvault.privacy.services.access import accesses_by, accesses_to, record_access
from clientvault.privacy.services.audit import AuditDetailError, record_event, verify_chain
from tests.kernelapp.models import Contact

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def staff(username: str, role: str) -> User:
    user = User.objects.create_user(username=username, is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def subjects() -> tuple[Subject, Subject]:
    return Subject.objects.create(), Subject.objects.create()


def test_it_records_a_staff_view_by_ids_only(subjects):
    helper, (ada, _) = staff("helper", "support"), subjects
    event = record_access(actor=helper, subject_id=ada.id, purpose="support", what="profile")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.actor_id, stored.actor_role) == (
        "access.view",
        f"user:{helper.pk}",
        "support",
    )
    assert (stored.subject_id, stored.purpose, stored.details) == (
        ada.id,
        "support",
        {"what": "profile"},
    )
    assert verify_chain().intact


def test_it_refuses_personal_data_in_what_was_viewed(subjects):
    with pytest.raises(AuditDetailError, match="'@'"):
        record_access(
            actor=staff("helper", "support"),
            subject_id=subjects[0].id,
            purpose="support",
            what="ada@example.com",
        )
    assert not AuditEvent.objects.exists()


def test_it_refuses_an_access_without_actor_purpose_or_what(subjects):
    helper, ada = staff("helper", "support"), subjects[0].id
    with pytest.raises(AuditDetailError, match="actor"):
        record_access(actor=None, subject_id=ada, purpose="support", what="profile")
    with pytest.raises(AuditDetailError, match="unknown purpose"):
        record_access(actor=helper, subject_id=ada, purpose="curiosity", what="profile")
    with pytest.raises(AuditDetailError, match="'what'"):
        record_access(actor=helper, subject_id=ada, purpose="support", what="")


def test_it_scopes_a_breach_to_what_one_account_saw_since_a_date(subjects):
    ada, bob = subjects
    thief, colleague = staff("thief", "support"), staff("colleague", "support")
    record_access(actor=thief, subject_id=ada.id, purpose="support", what="profile")
    since = timezone.now()
    record_access(actor=thief, subject_id=bob.id, purpose="support", what="tickets")
    record_access(actor=colleague, subject_id=ada.id, purpose="support", what="profile")
    record_event(action="ticket.closed", actor=thief, subject_id=ada.id)  # not a view
    seen = accesses_by(actor_ref=actor_ref(thief), since=since)
    assert [(e.subject_id, e.details["what"]) for e in seen] == [(bob.id, "tickets")]
    assert accesses_by(actor_ref=actor_ref(thief)).count() == 2


def test_it_counts_reveals_as_seen_but_not_refused_reveals():
    subject = Subject.objects.create()
    vault.create_subject_key(subject.id)
    Contact.objects.create(subject=subject, card_number="4111111111111111")
    contact, clerk, helper = Contact.objects.get(), staff("clerk", "billing"), staff("h", "support")
    reveal(contact, "card_number", "payment_processing", clerk)
    with pytest.raises(RevealDenied):
        reveal(contact, "card_number", "payment_processing", helper)
    assert [e.action for e in accesses_by(actor_ref=actor_ref(clerk))] == ["reveal"]
    assert not accesses_by(actor_ref=actor_ref(helper)).exists()


def test_it_lists_who_saw_a_subjects_data(subjects):
    ada, bob = subjects
    first, second = staff("first", "support"), staff("second", "billing")
    record_access(actor=first, subject_id=ada.id, purpose="support", what="profile")
    record_access(actor=second, subject_id=ada.id, purpose="billing", what="invoices")
    record_access(actor=second, subject_id=bob.id, purpose="billing", what="invoices")
    who = [(e.actor_id, e.purpose) for e in accesses_to(subject_id=ada.id)]
    assert who == [(actor_ref(first), "support"), (actor_ref(second), "billing")]


def test_it_refuses_a_naive_since():
    with pytest.raises(ValueError, match="timezone-aware"):
        accesses_by(actor_ref="user:1", since=dt.datetime(2020, 1, 1))


def test_it_adds_codes_about_the_view_to_the_event(subjects):
    helper, (ada, _) = staff("helper", "billing"), subjects
    event = record_access(
        actor=helper,
        subject_id=ada.id,
        purpose="billing",
        what="customer.person:staff",
        details={"reason": "billing_run"},
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.details == {"what": "customer.person:staff", "reason": "billing_run"}
    assert verify_chain().intact


@pytest.mark.parametrize(
    ("details", "problem"),
    [
        ({"reason": "Ada Lovelace called"}, r"details\['reason'\] must be a code"),
        ({"reason": "ada@example.com"}, r"details\['reason'\] must be a code"),
        ({"reason": 42}, r"details\['reason'\] must be a code"),
        ({"what": "profile"}, "cannot replace 'what'"),
    ],
)
def test_it_refuses_details_that_are_not_codes(subjects, details, problem):
    with pytest.raises(AuditDetailError, match=problem) as caught:
        record_access(
            actor=staff("helper", "support"),
            subject_id=subjects[0].id,
            purpose="support",
            what="profile",
            details=details,
        )
    assert "Lovelace" not in str(caught.value)
    assert not AuditEvent.objects.exists()
