import datetime

import pytest
from django.utils import timezone

from clientvault.legal.models import DemandType
from clientvault.legal.services.releases import approve_release, prepare_release
from clientvault.legal.services.reminders import legal_daily
from clientvault.messaging.models import Message
from tests.legal.helpers import a_customer, a_demand, an_approved_release, legal_team

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def _kinds() -> list[str]:
    return sorted(Message.objects.values_list("kind", flat=True))


def test_the_legal_team_is_reminded_once_before_a_deferred_notice_lapses():
    a, b = legal_team()
    today = timezone.localdate()
    an_approved_release(
        a_customer(), a, b, notice_forbidden_until=today + datetime.timedelta(days=10)
    )
    before = Message.objects.count()
    sent = legal_daily(today=today)
    assert sent == 2  # both members of the legal team
    assert legal_daily(today=today + datetime.timedelta(days=1)) == 2  # same key: no new mail
    assert Message.objects.count() == before + 2
    assert _kinds().count("legal.notice_lapsing") == 2


def test_no_reminder_while_the_notice_is_far_off():
    a, b = legal_team()
    today = timezone.localdate()
    an_approved_release(
        a_customer(), a, b, notice_forbidden_until=today + datetime.timedelta(days=60)
    )
    legal_daily(today=today)
    assert "legal.notice_lapsing" not in _kinds()


def test_an_overdue_formal_demand_after_an_emergency_is_reminded():
    a, b = legal_team()
    person = a_customer()
    demand = a_demand(person, a, demand_type=DemandType.EMERGENCY)
    release = prepare_release(demand=demand, categories={person.subject_id: ["user.name"]}, actor=a)
    approve_release(release=release, actor=b)
    legal_daily(today=timezone.localdate())
    assert "legal.followup_overdue" not in _kinds()
    legal_daily(today=timezone.localdate() + datetime.timedelta(days=3))
    assert _kinds().count("legal.followup_overdue") == 2


def _followup_text(demand) -> str:
    from django.template.loader import render_to_string

    from clientvault.legal.services.reminders import _followup

    return render_to_string(
        "legal/email/followup_overdue.txt", {"reference": "R", "link": "L", **_followup(demand)}
    )


def test_the_overdue_follow_up_says_data_was_released_only_when_it_was():
    a, b = legal_team()
    person = a_customer()
    silent = a_demand(person, a, demand_type=DemandType.EMERGENCY)
    assert "Data was released" not in _followup_text(silent)
    assert "Nothing has been released" in _followup_text(silent)
    legal_daily(today=timezone.localdate() + datetime.timedelta(days=3))
    assert _kinds().count("legal.followup_overdue") == 2
    release = prepare_release(demand=silent, categories={person.subject_id: ["user.name"]}, actor=a)
    approve_release(release=release, actor=b)
    assert "Data was released" in _followup_text(silent)
