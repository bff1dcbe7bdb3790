# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""E-mail notices through the outbox, once per person, saying what Art. 34 asks."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from clientvault.incidents.models import Channel, Notice, NoticeStatus, Status
from clientvault.incidents.services.notices import send_email_notices
from clientvault.messaging.models import Message
from clientvault.privacy.models import AuditEvent
from tests.accounts.personas import customer, make_staff, outsider  # noqa: F401
from tests.incidents.helpers import an_incident, compromised, scoped

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
KIND = "incidents.breach_notice"


@pytest.fixture
def handler():
    return make_staff("privacy_officer", username="handler")


def test_each_person_gets_one_email_notice(handler, customer, outsider):
    incident = scoped(handler, compromised([customer, outsider]))

    assert send_email_notices(incident=incident, actor=handler) == {"sent": 2, "no_address": 0}
    assert send_email_notices(incident=incident, actor=handler) == {"sent": 0, "no_address": 0}

    messages = Message.objects.filter(kind=KIND)
    assert sorted(m.subject_id for m in messages) == sorted(
        [customer.subject_id, outsider.subject_id]
    )
    assert Notice.objects.filter(channel=Channel.EMAIL, status=NoticeStatus.SENT).count() == 2
    incident.refresh_from_db()
    assert incident.status == Status.NOTIFYING
    audit = AuditEvent.objects.filter(action="incident.notices").first()
    assert audit is not None
    assert audit.details == {"channel": "email", "sent": 2, "no_address": 0}


def test_the_email_says_what_happened_and_what_to_do(handler, customer):
    incident = scoped(handler, compromised([customer]))
    send_email_notices(incident=incident, actor=handler)
    context = json.loads(str(Message.objects.get(kind=KIND).context))
    assert context["reference"] == incident.reference
    assert context["what_happened"] == incident.description
    assert "Telephone number" in context["categories"]
    assert context["consequences"] == incident.consequences
    assert context["measures"] == incident.measures
    assert context["advice"] == incident.advice
    assert "@" in context["contact"]


def test_notices_wait_for_a_scope(handler):
    with pytest.raises(ValidationError):
        send_email_notices(incident=an_incident(handler), actor=handler)
