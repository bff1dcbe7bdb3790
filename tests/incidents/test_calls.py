# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The call list: a call per person with a number, and each call's outcome recorded."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from clientvault.incidents.models import Channel, Notice, NoticeStatus, Outcome
from clientvault.incidents.services.notices import prepare_call_list, record_call
from clientvault.privacy.models import AuditEvent
from tests.accounts.personas import customer, make_staff  # noqa: F401
from tests.incidents.helpers import compromised, scoped

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


@pytest.fixture
def handler():
    return make_staff("privacy_officer", username="handler")


def test_a_call_is_listed_and_its_outcome_recorded(handler, customer):
    incident = scoped(handler, compromised([customer]))
    assert prepare_call_list(incident=incident, actor=handler) == {"to_call": 1, "no_number": 0}
    notice = Notice.objects.get(channel=Channel.TELEPHONE)
    assert notice.status == NoticeStatus.PENDING

    record_call(notice=notice, outcome=Outcome.VOICEMAIL, note="", actor=handler)
    assert notice.status == NoticeStatus.ATTEMPTED
    assert notice.sent_at is None
    record_call(notice=notice, outcome=Outcome.REACHED, note="Will change password", actor=handler)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SENT
    assert notice.sent_at is not None
    assert str(notice.note) == "Will change password"
    assert notice.recorded_by == f"user:{handler.pk}"
    events = AuditEvent.objects.filter(action="incident.call_recorded").order_by("seq")
    assert [e.details["outcome"] for e in events] == ["voicemail", "reached"]
    assert all(e.subject_id == customer.subject_id for e in events)


def test_an_unknown_outcome_is_refused(handler, customer):
    incident = scoped(handler, compromised([customer]))
    prepare_call_list(incident=incident, actor=handler)
    with pytest.raises(ValidationError):
        record_call(notice=Notice.objects.get(), outcome="maybe", note="", actor=handler)
