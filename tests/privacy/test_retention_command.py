import dataclasses
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from clientvault.privacy import inventory as inv
from clientvault.privacy.inventory import registry
from clientvault.privacy.models import AuditEvent, RetentionRun, Subject
from tests.kernelapp.models import Visit

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


@pytest.fixture
def old_visits():
    subject = Subject.objects.create()
    now = timezone.now()
    for days in (400, 500, 3):
        Visit.objects.create(subject=subject, ip_address="192.0.2.7", at=now - timedelta(days))


def sweep(*args: str) -> str:
    out = io.StringIO()
    call_command("retention", "sweep", *args, stdout=out)
    return out.getvalue()


def visit_row(output: str) -> str:
    return next(line for line in output.splitlines() if "kernelapp.Visit" in line)


def test_it_lists_what_a_dry_run_would_delete_and_changes_nothing(old_visits):
    output = sweep("--dry-run")
    assert "dry run: nothing changed" in output
    row = visit_row(output)
    assert "would delete rows" in row
    assert " 2 " in row
    assert "login_history (365 days)" in row
    assert "IP address (user.device.ip_address)" in output
    assert "Would delete 2 rows" in output
    assert Visit.objects.count() == 3
    assert not RetentionRun.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_sweeps_and_prints_what_it_deleted(old_visits):
    output = sweep()
    assert "deleted rows" in visit_row(output)
    assert "Deleted 2 rows, aggregated 0 and cleared 0 values in 1 models." in output
    assert Visit.objects.count() == 1
    assert RetentionRun.objects.count() == 1
    assert " 0 " in visit_row(sweep())


def test_it_refuses_a_broken_rule_with_one_line(monkeypatch):
    declaration = dataclasses.replace(
        registry.declarations["kernelapp.Visit"], retention=inv.RowRetention("someday", "at")
    )
    monkeypatch.setitem(registry.declarations, "kernelapp.Visit", declaration)
    with pytest.raises(CommandError, match="retention period 'someday' is not in the policy"):
        sweep("--dry-run")


def test_it_needs_a_verb():
    with pytest.raises(CommandError, match="sweep"):
        call_command("retention")
