import datetime
import json

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clientvault.privacy import vault
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.fields import lookup
from clientvault.privacy.models import AuditEvent, Subject, SubjectKey
from clientvault.privacy.services import erasure
from clientvault.privacy.services.audit import verify_chain
from clientvault.privacy.services.erasure import (
    ErasureBlocked,
    SubjectHeld,
    erase_subject,
    plan_erasure,
    register_erasure_blocker,
)
from clientvault.privacy.services.erasure_plan import SHARED
from clientvault.privacy.services.holds import end_hold, place_hold
from tests.accounts.personas import OUTSIDER_DETAILS, open_test_account
from tests.kernelapp.helpers import make_contact
from tests.kernelapp.models import Contact, Household, Member, Note, Receipt, Trace

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

ACTOR = SystemActor("erasure-test")


def person(name):
    """A subject with a note, two traces and a contact, all holding ``name``."""
    contact = make_contact(name=name.title(), email=f"{name}@example.com")
    subject = contact.subject
    Note.objects.create(
        subject=subject,
        title=f"{name} title",
        handle=f"{name}-handle",
        body=f"{name} body",
        invoice_number=f"INV-{name}",
        remark=f"{name} remark",
    )
    for n in range(2):
        Trace.objects.create(subject=subject, path=f"/{name}/{n}", agent=f"{name}-agent")
    return subject


@pytest.fixture
def ada():
    return person("ada")


@pytest.fixture
def bob():
    return person("bob")


def line(report, where, outcome="erased"):
    [found] = [ln for ln in report.lines if ln.where == where and ln.outcome == outcome]
    return found


def fresh(model, **filters):
    vault.reset_caches()
    return model.objects.get(**filters)


def erase(subject, reason="request:1"):
    return erase_subject(subject_id=subject.pk, actor=ACTOR, reason=reason)


def test_it_clears_pseudonymises_shreds_and_keeps_what_is_retained(ada, bob):
    report = erase(ada)
    note = fresh(Note, subject=ada)
    assert (note.title, note.remark, note.body) == ("", "", vault.ERASED)
    assert note.handle == f"erased-{note.pk.hex}"
    assert note.invoice_number == "INV-ada"
    kept = line(report, "kernelapp.Note.invoice_number", "kept")
    assert (kept.strategy, kept.why, kept.rows) == ("retain", "accounting records (tax law)", 1)
    assert kept.kept_until == timezone.localdate() + datetime.timedelta(days=2555)
    assert line(report, "kernelapp.Note.handle").strategy == "pseudonymise"
    assert line(report, "kernelapp.Note.title").label == "Content you give us"
    other = fresh(Note, subject=bob)
    assert (other.title, other.handle, other.body) == ("bob title", "bob-handle", "bob body")


def test_it_deletes_rows_whose_every_personal_field_is_delete(ada, bob):
    report = erase(ada)
    assert not Trace.objects.filter(subject=ada).exists()
    assert Trace.objects.filter(subject=bob).count() == 2
    deleted = line(report, "kernelapp.Trace.path")
    assert (deleted.strategy, deleted.rows, deleted.category) == (
        "delete",
        2,
        "user.behavior.browsing_history",
    )


def test_it_reports_rows_others_protect_as_kept_and_erases_the_rest(ada):
    Receipt.objects.create(trace=Trace.objects.filter(subject=ada).first())
    report = erase(ada)
    kept = line(report, "kernelapp.Trace.path", "kept")
    assert kept.why == "kept: still referenced by kernelapp.Receipt"
    assert Trace.objects.filter(subject=ada).count() == 2
    assert fresh(Note, subject=ada).title == ""
    assert Subject.objects.get(pk=ada.pk).erased_at is not None


def test_it_changes_shared_rows_only_once_everyone_they_reach_is_erased(ada, bob):
    home = Household.objects.create(label="12 Shared Street")
    for subject in (ada, bob):
        Member.objects.create(household=home, subject=subject, nickname=f"{subject.pk.hex[:4]}")
    first = erase(ada)
    kept = line(first, "kernelapp.Household.label", "kept")
    assert (kept.why, kept.rows) == (SHARED, 1)
    assert Household.objects.get().label == "12 Shared Street"
    assert Member.objects.get(subject=ada).nickname == ""
    second = erase(bob)
    assert line(second, "kernelapp.Household.label").rows == 1
    assert Household.objects.get().label == ""


def test_it_plans_what_the_run_then_does_without_changing_anything(ada):
    plan = plan_erasure(subject_id=ada.pk)
    assert not plan.already_erased
    assert fresh(Note, subject=ada).title == "ada title"
    assert Trace.objects.filter(subject=ada).count() == 2
    assert Subject.objects.get(pk=ada.pk).erased_at is None
    assert SubjectKey.objects.get(subject_id=ada.pk).wrapped is not None
    run = erase(ada)
    assert run.lines == plan.lines
    assert plan.erased()
    assert plan.kept()
    assert {ln.outcome for ln in plan.erased()} == {"erased"}
    assert json.loads(json.dumps(run.as_json()))["subject_id"] == str(ada.pk)


def test_it_refuses_while_a_hold_applies_then_erases_once_it_ends(ada):
    ends = timezone.localdate() + datetime.timedelta(days=5)
    hold = place_hold(subject=ada, reason="dispute", ends_on=ends, actor=ACTOR, placed_by="billing")
    with pytest.raises(SubjectHeld) as caught:
        erase(ada)
    assert caught.value.holds == (hold,)
    assert "an open dispute" in caught.value.notice
    assert SubjectKey.objects.get(subject_id=ada.pk).wrapped is not None
    assert fresh(Note, subject=ada).title == "ada title"
    end_hold(hold=hold, actor=ACTOR)
    assert not erase(ada).already_erased


def test_it_hides_a_confidential_hold_from_the_report(ada):
    ends = timezone.localdate() + datetime.timedelta(days=5)
    place_hold(
        subject=ada,
        reason="legal_preservation",
        ends_on=ends,
        actor=ACTOR,
        placed_by="legal",
        reference="order-1",
        confidential=True,
    )
    with pytest.raises(SubjectHeld) as caught:
        erase(ada)
    assert "legal obligation" in caught.value.notice
    assert "order-1" not in caught.value.notice
    assert not [ln for ln in plan_erasure(subject_id=ada.pk).lines if "Hold" in ln.where]


def test_it_refuses_while_a_registered_blocker_objects(monkeypatch, ada, bob):
    monkeypatch.setattr(erasure, "_BLOCKERS", [])

    def services(*, subject_id):
        return ["Active services must be cancelled first."] if subject_id == ada.pk else []

    register_erasure_blocker(services)
    register_erasure_blocker(services)
    with pytest.raises(ErasureBlocked) as caught:
        erase(ada)
    assert caught.value.reasons == ("Active services must be cancelled first.",)
    assert SubjectKey.objects.get(subject_id=ada.pk).wrapped is not None
    assert not erase(bob).already_erased


def test_it_changes_nothing_when_run_again(ada):
    first = erase(ada)
    events = AuditEvent.objects.count()
    again = erase(ada)
    assert again.already_erased
    assert AuditEvent.objects.count() == events
    assert line(again, "kernelapp.Note.invoice_number", "kept") == line(
        first, "kernelapp.Note.invoice_number", "kept"
    )
    assert fresh(Note, subject=ada).handle.startswith("erased-")


class Crash(Exception):
    pass


def crash_once(monkeypatch, name):
    real = getattr(erasure, name)
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise Crash(name)
        return real(*args, **kwargs)

    monkeypatch.setattr(erasure, name, flaky)


@pytest.mark.parametrize("step", ["_apply_all", "shred_subject", "record_event", "_totals"])
def test_it_finishes_exactly_once_after_a_crash_between_steps(monkeypatch, ada, step):
    crash_once(monkeypatch, step)
    with pytest.raises(Crash):
        erase(ada)
    assert SubjectKey.objects.get(subject_id=ada.pk).wrapped is None  # the key went first
    assert Subject.objects.get(pk=ada.pk).erased_at is None
    assert fresh(Note, subject=ada).title == "ada title"  # the rest rolled back
    ends = timezone.localdate() + datetime.timedelta(days=5)
    place_hold(subject=ada, reason="dispute", ends_on=ends, actor=ACTOR, placed_by="billing")
    report = erase(ada)  # the erasure began: a hold placed since cannot stop it
    assert not report.already_erased
    assert fresh(Note, subject=ada).title == ""
    assert not Trace.objects.filter(subject=ada).exists()
    assert AuditEvent.objects.filter(action="subject.shredded").count() == 1
    assert AuditEvent.objects.filter(action="subject.erased").count() == 1
    assert erase(ada).already_erased


def test_it_leaves_the_audit_chain_verifiable_with_codes_only(ada):
    erase(ada, reason="request:42")
    assert verify_chain().first_break is None
    event = AuditEvent.objects.get(action="subject.erased")
    assert event.subject_id == ada.pk
    assert event.details["reason"] == "request:42"
    assert "ada" not in json.dumps(event.details).replace(ada.pk.hex, "")


def test_it_lets_the_erased_person_come_back_as_a_new_subject(ada):
    erase(ada)
    again = make_contact(name="Ada", email="ada@example.com")
    found = list(Contact.objects.filter(**lookup(Contact, "email_index", "ada@example.com")))
    assert found == [again]
    assert again.subject_id != ada.pk


def test_it_refuses_a_reason_that_is_not_a_code_and_an_unknown_subject(ada):
    with pytest.raises(ValueError, match="short code"):
        erase(ada, reason="she asked")
    with pytest.raises(Subject.DoesNotExist):
        erase_subject(subject_id=Contact().pk, actor=ACTOR, reason="request:1")


def queries_to_erase(subject):
    with (
        CaptureQueriesContext(connections["default"]) as data,
        CaptureQueriesContext(connections["keys"]) as keys,
    ):
        erase(subject)
    return len(data.captured_queries) + len(keys.captured_queries)


def test_it_needs_as_many_queries_with_one_or_thirty_other_subjects():
    erase(person("warm"))  # caches filled (content types, system keys)
    subject = person("first")
    person("other")
    with_one = queries_to_erase(subject)
    for n in range(29):
        person(f"other{n}")
    assert queries_to_erase(person("last")) == with_one


def test_it_erases_an_account_owner_in_as_many_queries_however_many_accounts_there_are():
    def owner(name):
        details = {**OUTSIDER_DETAILS, "email": f"{name}@example.net"}
        return open_test_account(username=name, details=details).subject

    erase(owner("warm"))
    first = owner("first")
    owner("other")
    with_one = queries_to_erase(first)
    for n in range(29):
        owner(f"other{n}")
    with_thirty = queries_to_erase(owner("last"))
    print(f"queries to erase an account owner: {with_one} and {with_thirty}")
    assert with_thirty == with_one
