"""The regulator's clock: the deadline, the countdown, and the hourly reminder sent once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from clientvault.incidents.models import Decision, Incident
from clientvault.incidents.services.clock import clock, remind_handlers
from clientvault.incidents.services.incidents import mark_regulator_notified, record_decision
from clientvault.messaging.models import Message
from clientvault.privacy.models import AuditEvent
from tests.accounts.personas import make_staff
from tests.incidents.helpers import an_incident

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
REMINDER = "incidents.regulator_reminder"


@pytest.fixture
def handler():
    user = make_staff("privacy_officer", username="handler")
    user.email = "handler@example.org"
    user.save()
    return user


def test_the_deadline_is_72_hours_after_discovery(handler):
    incident = an_incident(handler, discovered_hours_ago=10)
    shown = clock(incident)
    assert shown.deadline == incident.discovered_at + dt.timedelta(hours=72)
    assert shown.text.startswith("61 h") or shown.text.startswith("62 h")
    assert not shown.overdue


def test_an_incident_past_the_deadline_is_overdue(handler):
    incident = an_incident(handler, discovered_hours_ago=80)
    assert clock(incident).overdue
    assert clock(incident).text.startswith("overdue by 8 h")


def test_the_handlers_are_reminded_once_with_a_day_left(handler):
    bystander = make_staff("legal", username="bystander")  # not a handler: not reminded
    bystander.email = "bystander@example.org"
    bystander.save()
    an_incident(handler, discovered_hours_ago=50)
    an_incident(handler, discovered_hours_ago=10)  # more than a day left

    assert remind_handlers() == 1
    assert remind_handlers() == 0
    assert remind_handlers(now=timezone.now() + dt.timedelta(hours=2)) == 0
    messages = Message.objects.filter(kind=REMINDER)
    assert messages.count() == 1
    assert messages.get().subject_id == handler.subject_id
    assert AuditEvent.objects.filter(action="incident.reminded").count() == 1


def test_no_reminder_once_the_decision_is_recorded(handler):
    incident = an_incident(handler, discovered_hours_ago=60)
    record_decision(
        incident=incident, decision=Decision.NOT_NOTIFY, reason="No risk.", actor=handler
    )
    assert remind_handlers() == 0
    assert Incident.objects.get().reminded_at is None


def test_a_decision_to_notify_still_reminds_until_the_regulator_is_notified(handler):
    incident = an_incident(handler, discovered_hours_ago=60)
    record_decision(incident=incident, decision=Decision.NOTIFY, reason="Risk.", actor=handler)
    assert remind_handlers() == 1
    assert remind_handlers() == 0
    assert Message.objects.get(kind=REMINDER).subject_id == handler.subject_id
    assert remind_handlers(now=timezone.now() + dt.timedelta(hours=2)) == 0


def test_no_reminder_once_the_regulator_is_notified(handler):
    incident = an_incident(handler, discovered_hours_ago=60)
    record_decision(incident=incident, decision=Decision.NOTIFY, reason="Risk.", actor=handler)
    mark_regulator_notified(incident=incident, actor=handler)
    assert remind_handlers() == 0
