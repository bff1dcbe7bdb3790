"""Opening an incident, the regulator decision (its reason required), and closing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clientvault.incidents.models import Decision, Incident, Status
from clientvault.incidents.services.incidents import (
    close_incident,
    mark_regulator_notified,
    record_decision,
)
from clientvault.privacy.models import AuditEvent
from tests.accounts.personas import make_staff
from tests.incidents.helpers import an_incident

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


@pytest.fixture
def handler():
    return make_staff("privacy_officer", username="handler")


def test_an_incident_gets_a_reference_and_its_handler(handler):
    incident = an_incident(handler)
    assert incident.reference.startswith("IN-")
    assert list(incident.handlers.all()) == [handler]
    assert incident.status == Status.OPEN
    assert AuditEvent.objects.filter(action="incident.opened").count() == 1


def test_it_refuses_an_incident_starting_after_its_discovery(handler):
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        an_incident(handler, started_at=now, discovered_at=now - dt.timedelta(hours=1))
    assert "started_at" in refused.value.message_dict
    assert not Incident.objects.exists()
    assert AuditEvent.objects.get(action="incident.refused").details == {
        "rule": "started_after_discovered"
    }


def test_the_database_refuses_it_too(handler):
    incident = an_incident(handler)
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(
            started_at=incident.discovered_at + dt.timedelta(hours=1)
        )


def test_a_decision_needs_a_reason(handler):
    incident = an_incident(handler)
    with pytest.raises(ValidationError) as refused:
        record_decision(incident=incident, decision=Decision.NOTIFY, reason="  ", actor=handler)
    assert refused.value.message_dict == {
        "reason": ["Reason: say why; the decision must be documented."]
    }
    incident.refresh_from_db()
    assert incident.decision == ""


def test_a_decision_is_recorded_with_who_and_when(handler):
    incident = an_incident(handler)
    record_decision(incident=incident, decision=Decision.NOTIFY, reason="Risk.", actor=handler)
    mark_regulator_notified(incident=incident, actor=handler)
    incident.refresh_from_db()
    assert incident.decided_by == handler
    assert incident.decision_reason == "Risk."
    assert incident.regulator_notified_at is not None
    event = AuditEvent.objects.get(action="incident.decided")
    assert event.details == {"decision": "notify", "overdue": False}


def test_notifying_the_regulator_needs_the_decision_to(handler):
    incident = an_incident(handler)
    with pytest.raises(ValidationError):
        mark_regulator_notified(incident=incident, actor=handler)


def test_an_incident_closes_once(handler):
    incident = an_incident(handler)
    record_decision(incident=incident, decision=Decision.NOT_NOTIFY, reason="None.", actor=handler)
    close_incident(incident=incident, actor=handler)
    assert incident.status == Status.CLOSED
    assert incident.closed_at is not None
    with pytest.raises(ValidationError):
        close_incident(incident=incident, actor=handler)


def refused_rule(rule: str) -> None:
    assert AuditEvent.objects.filter(action="incident.refused").last().details == {"rule": rule}


def test_it_refuses_to_close_without_a_decision(handler):
    incident = an_incident(handler)
    with pytest.raises(ValidationError) as refused:
        close_incident(incident=incident, actor=handler)
    assert "Record the decision" in str(refused.value)
    incident.refresh_from_db()
    assert incident.status == Status.OPEN
    refused_rule("decision_required_to_close")


def test_a_closed_incidents_decision_cannot_change(handler):
    incident = an_incident(handler)
    record_decision(incident=incident, decision=Decision.NOT_NOTIFY, reason="None.", actor=handler)
    close_incident(incident=incident, actor=handler)
    with pytest.raises(ValidationError) as refused:
        record_decision(incident=incident, decision=Decision.NOTIFY, reason="Later.", actor=handler)
    assert "decision" in refused.value.message_dict
    incident.refresh_from_db()
    assert incident.decision == Decision.NOT_NOTIFY
    refused_rule("incident_closed")


def test_a_changed_decision_keeps_the_earlier_one(handler):
    incident = an_incident(handler)
    record_decision(incident=incident, decision=Decision.NOT_NOTIFY, reason="Low.", actor=handler)
    record_decision(incident=incident, decision=Decision.NOTIFY, reason="Worse.", actor=handler)
    assert [(r.decision, r.reason) for r in incident.decisions.all()] == [
        ("not_notify", "Low."),
        ("notify", "Worse."),
    ]


def test_it_refuses_not_notify_once_the_regulator_was_notified(handler):
    incident = an_incident(handler)
    record_decision(incident=incident, decision=Decision.NOTIFY, reason="Risk.", actor=handler)
    mark_regulator_notified(incident=incident, actor=handler)
    with pytest.raises(ValidationError) as refused:
        record_decision(
            incident=incident, decision=Decision.NOT_NOTIFY, reason="No.", actor=handler
        )
    assert "already notified" in refused.value.message_dict["decision"][0]
    incident.refresh_from_db()
    assert incident.decision == Decision.NOTIFY
    assert incident.decisions.count() == 1
    refused_rule("regulator_already_notified")


def test_it_refuses_a_discovery_in_the_future(handler):
    later = timezone.now() + dt.timedelta(hours=2)
    with pytest.raises(ValidationError) as refused:
        an_incident(handler, started_at=later - dt.timedelta(hours=1), discovered_at=later)
    assert list(refused.value.message_dict) == ["discovered_at"]
    assert not Incident.objects.exists()
    refused_rule("discovered_in_future")


def test_it_refuses_a_start_in_the_future(handler):
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        an_incident(handler, started_at=now + dt.timedelta(hours=1), discovered_at=now)
    assert list(refused.value.message_dict) == ["started_at"]
    assert "in the future" in refused.value.message_dict["started_at"][0]
    refused_rule("started_in_future")


@pytest.mark.parametrize("field", ["title", "description"])
def test_it_refuses_an_empty_title_or_description_audited(handler, field):
    with pytest.raises(ValidationError) as refused:
        an_incident(handler, **{field: "  "})
    assert field in refused.value.message_dict
    assert not Incident.objects.exists()
    refused_rule("facts_required")
