"""The regulator's clock (GDPR Art. 33(1)): the deadline is the profile's ``regulator_hours``
after discovery; with 24 hours or less left and no decision recorded (or a decision to notify
but the regulator not yet recorded as notified), the staff handling the incident are reminded
once (an hourly job; the reminder's time on the incident and the outbox key make a second run
send nothing).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django_tasks import task

from clientvault.incidents import messages
from clientvault.incidents.models import LIVE, Decision, Incident
from clientvault.messaging.services.outbox import queue_message
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.directory import directory
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.taxonomy import Purpose

REMIND_WITHIN = dt.timedelta(hours=24)
CLOCK = SystemActor("incidents")
FALLBACK_ROLES = ("privacy_officer", "legal")  # when no handler is named
TODO_DECIDE = "no decision about notifying the regulator is recorded"
TODO_NOTIFY = "the regulator is to be notified but is not yet recorded as notified"


@dataclass(frozen=True)
class Clock:
    deadline: dt.datetime
    seconds_left: int  # negative once overdue
    decided: bool

    @property
    def overdue(self) -> bool:
        return self.seconds_left < 0

    @property
    def text(self) -> str:
        hours, rest = divmod(abs(self.seconds_left), 3600)
        span = f"{hours} h {rest // 60} min"
        return f"overdue by {span}" if self.overdue else f"{span} left"


def clock(incident: Incident, *, now: dt.datetime | None = None) -> Clock:
    deadline = incident.deadline(current_profile().breach.regulator_hours)
    left = int((deadline - (now or timezone.now())).total_seconds())
    return Clock(deadline, left, bool(incident.decision))


def due_for_reminder(now: dt.datetime) -> list[Incident]:
    """Live incidents, not yet reminded, with 24 hours or less left, and no decision or a
    decision to notify the regulator not yet carried out."""
    hours = current_profile().breach.regulator_hours
    discovered_before = now + REMIND_WITHIN - dt.timedelta(hours=hours)
    undone = Q(decision="") | Q(decision=Decision.NOTIFY, regulator_notified_at__isnull=True)
    return list(
        Incident.objects.filter(
            undone,
            status__in=LIVE,
            reminded_at__isnull=True,
            discovered_at__lte=discovered_before,
        )
    )


def recipients(incident: Incident) -> list[tuple[uuid.UUID, str]]:
    """The handlers' addresses (staff logins whose roles handle security); with no handler
    named, every privacy officer and legal team member."""
    handlers = set(incident.handlers.values_list("subject_id", flat=True))
    roles = [r for r, purposes in current_profile().roles.items() if Purpose.SECURITY in purposes]
    found: dict[uuid.UUID, str] = {}
    for role in roles if handlers else FALLBACK_ROLES:
        for subject_id, email in directory().staff_contacts(role):
            if not handlers or subject_id in handlers:
                found[subject_id] = email
    return sorted(found.items())


def remind_handlers(*, now: dt.datetime | None = None) -> int:
    """Remind the handlers of each incident due; how many incidents were reminded."""
    moment = now or timezone.now()
    reminded = 0
    for incident in due_for_reminder(moment):
        with transaction.atomic():
            if Incident.objects.filter(pk=incident.pk, reminded_at__isnull=True).update(
                reminded_at=moment
            ):
                _remind(incident, moment)
                reminded += 1
    return reminded


def _remind(incident: Incident, now: dt.datetime) -> None:
    left = clock(incident, now=now)
    link = settings.CLIENTVAULT_SITE_URL + reverse("incidents:staff_incident", args=[incident.pk])
    context = {
        "reference": incident.reference,
        "todo": TODO_NOTIFY if incident.decision == Decision.NOTIFY else TODO_DECIDE,
        "deadline": str(formats.date_format(timezone.localtime(left.deadline), "j F Y H:i T")),
        "hours": left.text,
        "link": link,
    }
    people = recipients(incident)
    for subject_id, email in people:
        queue_message(
            subject_id=subject_id,
            to=email,
            kind=messages.REGULATOR_REMINDER.key,
            context=context,
            key=f"incidents:{incident.pk}:regulator-reminder:{subject_id}",
        )
    details = {"people": len(people)}
    record_event(action="incident.reminded", actor=CLOCK, obj=incident, details=details)


@task()
def incidents_hourly(period: str = "") -> dict[str, int]:
    """The hourly run (the scheduler enqueues it once an hour)."""
    return {"reminded": remind_handlers()}
