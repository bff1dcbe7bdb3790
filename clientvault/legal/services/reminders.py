"""The legal team's daily reminders, each sent once per demand and person (the outbox key):
a deferred notice that lapses within the profile's days, and an emergency request whose formal
demand is overdue."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django_tasks import task

from clientvault.legal import messages
from clientvault.legal.models import OPEN, Demand, DemandType, ReleaseStatus
from clientvault.messaging.services.outbox import queue_message
from clientvault.privacy.directory import directory
from clientvault.privacy.profile import current_profile

LEGAL_ROLE = "legal"


def _link(demand: Demand) -> str:
    return str(settings.CLIENTVAULT_SITE_URL) + reverse("legal:staff_demand", args=[demand.pk])


def _day(day: datetime.date) -> str:
    return str(formats.date_format(day, "j F Y"))


def lapsing_notices(today: datetime.date) -> QuerySet[Demand]:
    """Demands with a disclosure whose deferred notice lapses within the reminder days."""
    until = today + datetime.timedelta(days=current_profile().legal.notice_reminder_days)
    released = Demand.objects.filter(
        releases__status__in=[ReleaseStatus.APPROVED, ReleaseStatus.DELIVERED]
    )
    window = {"notice_forbidden_until__gt": today, "notice_forbidden_until__lte": until}
    return released.filter(**window).distinct()


def overdue_followups(today: datetime.date) -> QuerySet[Demand]:
    return Demand.objects.filter(
        demand_type=DemandType.EMERGENCY, status__in=OPEN, followup_due_on__lt=today
    )


def _send(demand: Demand, kind: str, step: str, context: dict[str, str]) -> int:
    team = directory().staff_contacts(LEGAL_ROLE)
    for subject_id, email in team:
        queue_message(
            subject_id=subject_id,
            to=email,
            kind=kind,
            context={"reference": demand.reference, "link": _link(demand), **context},
            key=f"legal:{step}:{demand.pk}:{subject_id}",
        )
    return len(team)


def _followup(demand: Demand) -> dict[str, str]:
    """The overdue follow-up's values: its date, and whether anything was released (the
    text says so only when it is true)."""
    assert demand.followup_due_on is not None
    released = demand.releases.exclude(status=ReleaseStatus.PREPARED).exists()
    return {"due": _day(demand.followup_due_on), "released": "yes" if released else "no"}


def legal_daily(*, today: datetime.date | None = None) -> int:
    """Queue the day's reminders; the number of messages (a second run sends none again)."""
    day = today or timezone.localdate()
    sent = 0
    for demand in lapsing_notices(day):
        assert demand.notice_forbidden_until is not None
        lapses = {"lapses": _day(demand.notice_forbidden_until)}
        sent += _send(demand, messages.NOTICE_LAPSING.key, "notice", lapses)
    for demand in overdue_followups(day):
        sent += _send(demand, messages.FOLLOWUP_OVERDUE.key, "followup", _followup(demand))
    return sent


@task()
def legal_daily_job(period: str = "") -> dict[str, int]:
    """The daily run (the scheduler enqueues it once a day)."""
    return {"reminders": legal_daily()}
