import dataclasses
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from clientvault.privacy import inventory as inv
from clientvault.privacy import vault
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.inventory import registry
from clientvault.privacy.models import (
    AuditEvent,
    PolicyAcceptance,
    PolicyVersion,
    RetentionRun,
    Subject,
    SubjectKey,
)
from clientvault.privacy.services import retention
from clientvault.privacy.services.retention import RetentionError, sweep_retention
from tests.kernelapp.models import Contact, Visit

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

ACTOR = SystemActor("retention-test")
IP = "user.device.ip_address"
AGGREGATED: list[int] = []


def count_visits(queryset) -> int:
    """A test aggregator: keeps the number of expired visits (an anonymous figure)."""
    AGGREGATED.append(queryset.count())
    return queryset.count()


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def subject():
    subject = Subject.objects.create()
    vault.create_subject_key(subject.id)
    return subject


def visits(subject, now, *ages_in_days):
    for days in ages_in_days:
        Visit.objects.create(subject=subject, ip_address="192.0.2.1", at=now - timedelta(days))


def only(lines, model, action="delete"):
    found = [ln for ln in lines if ln.model == model and ln.action == action]
    assert found, f"no {action} line for {model}"
    return found


def job(now, days_ago):
    """A background job's row (a third-party model), enqueued ``days_ago`` days before now."""
    row = DBTaskResult.objects.create(
        args_kwargs={},
        task_path="tests.privacy.job",
        backend_name="default",
        run_after=now,
        exception_class_path="",
        traceback="",
    )
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=now - timedelta(days_ago))
    return row


def redeclare(monkeypatch, label, **changes):
    """Swap a declaration in the inventory for this test only."""
    declaration = dataclasses.replace(registry.declarations[label], **changes)
    monkeypatch.setitem(registry.declarations, label, declaration)
    return declaration


def test_it_deletes_rows_older_than_the_profile_period(subject, now):
    visits(subject, now, 366, 400, 364, 1)
    lines = sweep_retention(dry_run=False, now=now, actor=ACTOR)
    [line] = only(lines, "kernelapp.Visit")
    assert (line.category, line.count, line.period, line.days) == (IP, 2, "login_history", 365)
    assert line.cutoff == now - timedelta(days=365)
    assert sorted((now - v.at).days for v in Visit.objects.all()) == [1, 364]


def test_it_changes_nothing_on_a_dry_run(subject, now):
    visits(subject, now, 400, 500, 1)
    lines = sweep_retention(dry_run=True, now=now, actor=ACTOR)
    assert only(lines, "kernelapp.Visit")[0].count == 2
    assert Visit.objects.count() == 3
    assert not RetentionRun.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_does_it_exactly_once(subject, now):
    visits(subject, now, 400, 500)
    first = sweep_retention(dry_run=False, now=now, actor=ACTOR)
    second = sweep_retention(dry_run=False, now=now, actor=ACTOR)
    assert only(first, "kernelapp.Visit")[0].count == 2
    assert all(line.count == 0 for line in second)
    assert RetentionRun.objects.count() == 2


def test_it_records_the_run_and_audits_counts_only(subject, now):
    visits(subject, now, 400, 500, 2)
    sweep_retention(dry_run=False, now=now, actor=ACTOR)
    run = RetentionRun.objects.get()
    assert run.finished_at is not None
    assert run.cutoff_at == now
    visit_lines = [r for r in run.results if r["model"] == "kernelapp.Visit"]
    assert visit_lines == [
        {
            "category": IP,
            "model": "kernelapp.Visit",
            "action": "delete",
            "count": 2,
            "period": "login_history",
            "days": 365,
            "cutoff": (now - timedelta(days=365)).isoformat(),
            "field": "",
            "note": "",
        }
    ]
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_id) == ("retention.swept", "system:retention-test")
    assert event.object_id == str(run.pk)
    assert event.subject_id is None
    assert event.details == {"deleted": 2, "aggregated": 0, "cleared": 0, "models": 1}


def test_it_calls_the_aggregator_on_the_expired_rows_first(monkeypatch, subject, now):
    rule = inv.RowRetention("login_history", "at", "tests.privacy.test_retention.count_visits")
    redeclare(monkeypatch, "kernelapp.Visit", retention=rule)
    AGGREGATED.clear()
    visits(subject, now, 400, 401, 402, 3)
    lines = sweep_retention(dry_run=False, now=now, actor=ACTOR)
    assert AGGREGATED == [3]
    assert only(lines, "kernelapp.Visit", "aggregate")[0].count == 3
    assert only(lines, "kernelapp.Visit", "delete")[0].count == 3
    assert AuditEvent.objects.get().details["aggregated"] == 3


def test_it_does_not_aggregate_on_a_dry_run(monkeypatch, subject, now):
    rule = inv.RowRetention("login_history", "at", "tests.privacy.test_retention.count_visits")
    redeclare(monkeypatch, "kernelapp.Visit", retention=rule)
    AGGREGATED.clear()
    visits(subject, now, 400)
    lines = sweep_retention(dry_run=True, now=now, actor=ACTOR)
    assert only(lines, "kernelapp.Visit", "aggregate")[0].count == 1
    assert AGGREGATED == []


def test_it_deletes_in_batches(monkeypatch, subject, now):
    monkeypatch.setattr(retention, "BATCH_SIZE", 3)
    visits(subject, now, *range(400, 410), 5)
    lines = sweep_retention(dry_run=False, now=now, actor=ACTOR)
    assert only(lines, "kernelapp.Visit")[0].count == 10
    assert Visit.objects.count() == 1


def test_it_reaches_third_party_models_through_their_manager(monkeypatch, now):
    label = "django_tasks_database.DBTaskResult"
    redeclare(monkeypatch, label)  # as declared, whoever declared it
    days = retention.current_profile().retention["task_results"]
    job(now, 400)
    new = job(now, 0)
    lines = sweep_retention(dry_run=False, now=now, actor=ACTOR)
    assert {ln.count for ln in only(lines, label)} == {1}
    assert {ln.days for ln in only(lines, label)} == {days}
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [new.pk]


def contact_rules(monkeypatch, period="sessions"):
    declaration = registry.declarations["kernelapp.Contact"]
    fields = dict(declaration.fields)
    for name in ("email", "email_index"):
        fields[name] = inv.personal(
            "user.contact.email", purposes=["service"], erasure="clear", retention=period
        )
    row = inv.RowRetention("login_history", "created_at")
    redeclare(monkeypatch, "kernelapp.Contact", fields=fields, retention=row)


def contact(subject, now, days):
    row = Contact.objects.create(subject=subject, name="Ada", email="ada@example.com")
    Contact.objects.filter(pk=row.pk).update(created_at=now - timedelta(days))
    return row.pk


def test_it_clears_a_field_after_its_own_period(monkeypatch, subject, now):
    contact_rules(monkeypatch)
    old, young, expired = (
        contact(subject, now, 20),
        contact(subject, now, 2),
        contact(subject, now, 400),
    )
    lines = sweep_retention(dry_run=False, now=now, actor=ACTOR)
    clears = {ln.field: ln.count for ln in only(lines, "kernelapp.Contact", "clear")}
    assert clears == {"email": 1, "email_index": 1}
    assert only(lines, "kernelapp.Contact", "delete")[0].count == 1
    vault.reset_caches()
    assert Contact.objects.get(pk=old).email == ""
    assert Contact.objects.get(pk=old).email_index is None
    assert Contact.objects.get(pk=old).name == "Ada"
    assert Contact.objects.get(pk=young).email == "ada@example.com"
    assert not Contact.objects.filter(pk=expired).exists()
    again = sweep_retention(dry_run=False, now=now, actor=ACTOR)
    assert {ln.count for ln in only(again, "kernelapp.Contact", "clear")} == {0}
    assert AuditEvent.objects.filter(action="retention.swept").first().details["cleared"] == 2


def test_it_skips_a_field_rule_without_an_age_field(monkeypatch, subject, now):
    contact_rules(monkeypatch)
    redeclare(monkeypatch, "kernelapp.Contact", retention=None)
    contact(subject, now, 400)
    lines = sweep_retention(dry_run=False, now=now, actor=ACTOR)
    skips = only(lines, "kernelapp.Contact", "skip")
    assert {ln.field for ln in skips} == {"email", "email_index"}
    assert "no age field" in skips[0].note
    vault.reset_caches()
    assert Contact.objects.get().email == "ada@example.com"


def test_it_skips_a_field_that_has_no_empty_value(monkeypatch, subject, now):
    declaration = registry.declarations["kernelapp.Visit"]
    fields = dict(declaration.fields)
    fields["ip_address"] = inv.personal(
        IP, purposes=["security"], erasure="clear", retention="sessions"
    )
    redeclare(monkeypatch, "kernelapp.Visit", fields=fields)
    visits(subject, now, 20)
    lines = sweep_retention(dry_run=False, now=now, actor=ACTOR)
    [skip] = only(lines, "kernelapp.Visit", "skip")
    assert "no empty value" in skip.note
    assert Visit.objects.count() == 1


def test_it_never_sweeps_the_key_store(monkeypatch, subject, now):
    redeclare(
        monkeypatch, "privacy.SubjectKey", retention=inv.RowRetention("sessions", "created_at")
    )
    SubjectKey.objects.update(created_at=now - timedelta(400))
    lines = sweep_retention(dry_run=False, now=now, actor=ACTOR)
    assert "key store" in only(lines, "privacy.SubjectKey", "skip")[0].note
    assert SubjectKey.objects.filter(subject_id=subject.id).exists()


def test_it_refuses_a_period_missing_from_the_profile_before_changing_anything(
    monkeypatch, subject, now
):
    visits(subject, now, 400)
    label = "django_tasks_database.DBTaskResult"
    redeclare(monkeypatch, label, retention=inv.RowRetention("forever", "enqueued_at"))
    with pytest.raises(RetentionError, match=rf"{label}: retention period 'forever'"):
        sweep_retention(dry_run=False, now=now, actor=ACTOR)
    assert Visit.objects.count() == 1
    assert not RetentionRun.objects.exists()


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (inv.RowRetention("login_history", "when"), "age field 'when' does not exist"),
        (inv.RowRetention("login_history", "at", "tests.nowhere.fn"), "cannot be imported"),
    ],
)
def test_it_names_a_broken_rule(monkeypatch, rule, message, now):
    redeclare(monkeypatch, "kernelapp.Visit", retention=rule)
    with pytest.raises(RetentionError, match=f"kernelapp.Visit: .*{message}"):
        sweep_retention(dry_run=True, now=now, actor=ACTOR)


def test_it_keeps_rows_that_others_still_protect_and_goes_on(monkeypatch, subject, now):
    old = now - timedelta(400)
    redeclare(
        monkeypatch, "privacy.PolicyVersion", retention=inv.RowRetention("sessions", "published_at")
    )
    version = PolicyVersion.objects.create(
        number=1, content_hash="0" * 64, effective_date=old.date(), published_at=old, html="<p>"
    )
    PolicyAcceptance.objects.create(subject=subject, version=version, at=old, channel="signup")
    visits(subject, now, 400)
    lines = sweep_retention(dry_run=False, now=now, actor=ACTOR)
    [skip, *_] = only(lines, "privacy.PolicyVersion", "skip")
    assert skip.note == "kept: expired rows are still referenced by privacy.PolicyAcceptance"
    assert PolicyVersion.objects.filter(pk=version.pk).exists()
    assert not Visit.objects.exists()


def broken_aggregator(queryset) -> int:
    raise RuntimeError("the aggregator broke")


def test_it_changes_nothing_when_a_rule_fails_part_way(monkeypatch, subject, now):
    """Background jobs are swept before kernelapp.Visit fails: their deletions roll back too."""
    rule = inv.RowRetention("login_history", "at", "tests.privacy.test_retention.broken_aggregator")
    redeclare(monkeypatch, "kernelapp.Visit", retention=rule)
    job(now, 400)
    visits(subject, now, 400)
    with pytest.raises(RuntimeError, match="the aggregator broke"):
        sweep_retention(dry_run=False, now=now, actor=ACTOR)
    assert Visit.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
    assert not RetentionRun.objects.exists()
    assert not AuditEvent.objects.exists()


# --- rules an app registers for what row age alone cannot select ---------------------------------

EXPIRED: list[tuple[object, bool]] = []


def expire_visits_sooner(cutoff, dry_run) -> int:
    """A test rule: visits older than the cutoff (sooner than their own declaration says)."""
    EXPIRED.append((cutoff, dry_run))
    due = Visit.objects.filter(at__lt=cutoff)
    return due.count() if dry_run else due.delete()[0]


def register(monkeypatch, period="sessions"):
    rule = retention.ExtraRule(
        label="kernelapp.Visit", category=IP, period=period, expire=expire_visits_sooner
    )
    monkeypatch.setattr(retention, "_EXTRA_RULES", {("kernelapp.Visit", period): rule})
    EXPIRED.clear()


def test_it_runs_a_registered_rule_with_its_profile_period(monkeypatch, subject, now):
    register(monkeypatch)
    visits(subject, now, 20, 1)
    dry = sweep_retention(dry_run=True, now=now, actor=ACTOR)
    line = next(ln for ln in dry if ln.period == "sessions" and ln.model == "kernelapp.Visit")
    assert (line.count, line.days, line.cutoff) == (1, 14, now - timedelta(14))
    assert [(now - timedelta(14), True)] == EXPIRED
    assert Visit.objects.count() == 2
    sweep_retention(dry_run=False, now=now, actor=ACTOR)
    assert [(now - v.at).days for v in Visit.objects.all()] == [1]
    assert AuditEvent.objects.get().details["deleted"] == 1


def test_it_refuses_a_registered_rule_whose_period_is_missing_before_changing_anything(
    monkeypatch, subject, now
):
    register(monkeypatch, period="never-heard-of")
    visits(subject, now, 400)
    with pytest.raises(
        RetentionError, match=r"kernelapp\.Visit: retention period 'never-heard-of'"
    ):
        sweep_retention(dry_run=False, now=now, actor=ACTOR)
    assert Visit.objects.count() == 1
    assert EXPIRED == []
