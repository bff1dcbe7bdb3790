"""What the subject's own copy never tells while the law forbids it: the legal register's cases
and packages, a confidential hold, and the legal team's reads while a court order defers the
notice. A recipient's copy never holds the register of legal process."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from clientvault.legal.models import DemandType
from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.models import HoldReason
from clientvault.privacy.services.access import record_access
from clientvault.privacy.services.erasure import plan_erasure
from clientvault.privacy.services.export import export_for_recipient, export_subject
from clientvault.privacy.services.holds import place_hold
from tests.legal.helpers import a_customer, an_approved_release, legal_team

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def models_in(export) -> set[str]:
    return {r["model"] for r in export["records"] if r["rows"]}


def test_a_confidential_hold_is_not_in_the_subjects_copy_but_an_open_one_is():
    person = a_customer()
    ends = timezone.localdate() + dt.timedelta(days=30)
    for confidential in (True, False):
        place_hold(
            subject=person.subject,
            reason=HoldReason.LEGAL_PRESERVATION if confidential else HoldReason.DISPUTE,
            ends_on=ends,
            actor=None,
            placed_by="legal",
            reference="LD-CASE01",
            confidential=confidential,
        )
    export = export_subject(subject_id=person.subject_id, actor=SYSTEM)
    (holds,) = [r for r in export["records"] if r["model"] == "privacy.Hold"]
    (row,) = holds["rows"]
    assert row["cells"]["reason"]["value"] == "dispute"
    assert "legal_preservation" not in json.dumps(export["records"])


def the_legal_team_reads(person, staff) -> None:
    record_access(
        actor=staff, subject_id=person.subject_id, purpose="legal_obligation", what="profile"
    )


def test_a_deferred_release_leaves_no_trace_in_the_subjects_copy():
    a, b = legal_team()
    person = a_customer()
    later = timezone.localdate() + dt.timedelta(days=90)
    an_approved_release(
        person, a, b, demand_type=DemandType.COURT_ORDER, notice_forbidden_until=later
    )
    the_legal_team_reads(person, a)
    export = export_subject(subject_id=person.subject_id, actor=SYSTEM)
    assert not any(m.startswith("legal.") for m in models_in(export))
    assert export["disclosures"] == []
    assert all(entry["purpose"] != "legal_obligation" for entry in export["accesses"])
    lines = plan_erasure(subject_id=person.subject_id).lines
    assert not any(line.where.startswith("legal.") for line in lines)


def test_once_notice_is_allowed_the_legal_teams_reads_show():
    a, b = legal_team()
    person = a_customer()
    an_approved_release(person, a, b)  # no order forbids notice
    the_legal_team_reads(person, a)
    export = export_subject(subject_id=person.subject_id, actor=SYSTEM)
    assert export["disclosures"]
    assert any(entry["purpose"] == "legal_obligation" for entry in export["accesses"])
    assert not any(m.startswith("legal.") for m in models_in(export))


def test_a_recipient_never_receives_the_register_of_legal_process():
    a, b = legal_team()
    person = a_customer()
    an_approved_release(person, a, b)
    export = export_for_recipient(
        subject_id=person.subject_id, categories=["user.name", "user.legal"], actor=a
    )
    assert not any(m.startswith("legal.") or m == "privacy.Hold" for m in models_in(export))
    assert "user.legal" not in {c["key"] for c in export["categories"]}
