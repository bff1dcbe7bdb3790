"""The retention sweep keeps held data, and removes what erasure retained once it is due."""

import datetime
from datetime import timedelta

import pytest
from django.utils import timezone

from clientvault.accounts.models import Customer
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.models import AuditEvent, ConsentRecord, Subject
from clientvault.privacy.services.audit import verify_chain
from clientvault.privacy.services.consent import record_consent
from clientvault.privacy.services.erasure import erase_subject
from clientvault.privacy.services.holds import end_hold, place_hold
from clientvault.privacy.services.retention import AFTER_ERASURE, HELD_NOTE, sweep_retention
from tests.accounts.personas import OUTSIDER_DETAILS, add_authorised_user, open_test_account
from tests.kernelapp.models import Contact, Note, Visit
from tests.privacy.test_retention import contact, contact_rules

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

ACTOR = SystemActor("retention-test")
SEVEN_YEARS = 2555


def hold(subject, reason="legal_preservation"):
    ends = timezone.localdate() + datetime.timedelta(days=30)
    return place_hold(subject=subject, reason=reason, ends_on=ends, actor=ACTOR, placed_by="legal")


def old_visits(subject, count=2):
    for n in range(count):
        Visit.objects.create(
            subject=subject, ip_address="192.0.2.9", at=timezone.now() - timedelta(400 + n)
        )


def lines_of(lines, model, action):
    return [ln for ln in lines if ln.model == model and ln.action == action]


def test_it_skips_a_held_subjects_rows_and_says_how_many():
    held, free = Subject.objects.create(), Subject.objects.create()
    old_visits(held, 3)
    old_visits(free, 2)
    placed = hold(held)
    dry = sweep_retention(dry_run=True, actor=ACTOR)
    [skip] = lines_of(dry, "kernelapp.Visit", "skip")
    assert (skip.count, skip.note) == (3, HELD_NOTE)
    assert lines_of(dry, "kernelapp.Visit", "delete")[0].count == 2
    sweep_retention(dry_run=False, actor=ACTOR)
    assert Visit.objects.filter(subject=held).count() == 3
    assert not Visit.objects.filter(subject=free).exists()
    end_hold(hold=placed, actor=ACTOR)
    after = sweep_retention(dry_run=False, actor=ACTOR)
    assert lines_of(after, "kernelapp.Visit", "delete")[0].count == 3
    assert not lines_of(after, "kernelapp.Visit", "skip")


def test_it_does_not_clear_a_held_subjects_field(monkeypatch):
    contact_rules(monkeypatch)
    now = timezone.now()
    held, free = Subject.objects.create(), Subject.objects.create()
    kept, cleared = contact(held, now, 20), contact(free, now, 20)
    hold(held)
    lines = sweep_retention(dry_run=False, now=now, actor=ACTOR)
    skips = [ln for ln in lines_of(lines, "kernelapp.Contact", "skip") if ln.note == HELD_NOTE]
    assert {(ln.field, ln.count) for ln in skips} == {("email", 1), ("email_index", 1)}
    assert Contact.objects.get(pk=kept).email_index is not None
    assert Contact.objects.get(pk=cleared).email_index is None


def erased_with_records(name):
    subject = Subject.objects.create()
    Note.objects.create(subject=subject, handle=f"{name}-handle", invoice_number=f"INV-{name}")
    record_consent(subject=subject, purpose="marketing", granted=True, source="form", actor=ACTOR)
    erase_subject(subject_id=subject.pk, actor=ACTOR, reason="request:1")
    return subject


def erased_days_ago(subject, days):
    Subject.objects.filter(pk=subject.pk).update(erased_at=timezone.now() - timedelta(days))


def test_it_removes_what_erasure_retained_once_its_period_has_passed():
    due, recent = erased_with_records("due"), erased_with_records("recent")
    erased_days_ago(due, SEVEN_YEARS + 1)
    erased_days_ago(recent, SEVEN_YEARS - 1)
    dry = sweep_retention(dry_run=True, actor=ACTOR)
    [clear] = lines_of(dry, "kernelapp.Note", "clear")
    assert (clear.field, clear.count, clear.period) == ("invoice_number", 1, "client_log")
    assert Note.objects.get(subject=due).invoice_number == "INV-due"
    lines = sweep_retention(dry_run=False, actor=ACTOR)
    assert lines_of(lines, "privacy.ConsentRecord", "delete")[0].count == 1
    assert Note.objects.get(subject=due).invoice_number == ""
    assert Note.objects.get(subject=recent).invoice_number == "INV-recent"
    assert not ConsentRecord.objects.filter(subject=due).exists()
    assert ConsentRecord.objects.filter(subject=recent).exists()
    assert AuditEvent.objects.filter(subject_id=due.pk).exists()  # the log is append-only
    assert verify_chain().first_break is None
    again = sweep_retention(dry_run=False, actor=ACTOR)
    assert not lines_of(again, "kernelapp.Note", "clear")


def test_it_keeps_what_erasure_retained_while_a_hold_applies():
    subject = erased_with_records("held")
    erased_days_ago(subject, SEVEN_YEARS + 1)
    hold(subject, "dispute")
    lines = sweep_retention(dry_run=False, actor=ACTOR)
    assert lines_of(lines, "kernelapp.Note", "skip")[0].note == HELD_NOTE
    assert Note.objects.get(subject=subject).invoice_number == "INV-held"
    assert ConsentRecord.objects.filter(subject=subject).exists()


def test_it_keeps_an_accounts_rows_until_everyone_on_it_is_erased_and_due():
    owner = open_test_account(username="owner", details=OUTSIDER_DETAILS)
    mate = add_authorised_user(owner, username="mate", email="mate@example.net")
    for person in (owner, mate):
        erase_subject(subject_id=person.subject_id, actor=ACTOR, reason="request:1")
    erased_days_ago(owner.subject, SEVEN_YEARS + 1)
    sweep_retention(dry_run=False, actor=ACTOR)
    assert Customer.objects.filter(pk=owner.customer_id).exists()  # mate erased too recently
    erased_days_ago(mate.subject, SEVEN_YEARS + 1)
    lines = sweep_retention(dry_run=False, actor=ACTOR)
    [deleted] = [ln for ln in lines_of(lines, "accounts.Customer", "delete") if ln.note]
    assert (deleted.count, deleted.note) == (1, AFTER_ERASURE)
    assert not Customer.objects.filter(pk=owner.customer_id).exists()
