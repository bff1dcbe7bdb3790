"""The rights app's daily work: expire unverified requests, delete expired exports, erase
closed accounts after the grace period (RET-1), and remind the privacy officer of deadlines.

Every step is idempotent: run twice on one day, the second run finds nothing left to do.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from clientvault.messaging.services.outbox import queue_message
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.directory import Contact, directory
from clientvault.privacy.profile import current_profile
from clientvault.rights import messages
from clientvault.rights.models import Channel, Kind, RightsRequest, Scope, Status, Verification
from clientvault.rights.queries import counts
from clientvault.rights.services.exports import delete_expired_exports
from clientvault.rights.services.notices import date_text, notify
from clientvault.rights.services.progress import expire_unverified, start
from clientvault.rights.services.requests import Ask, create_request, move

DAILY = SystemActor("rights")
OFFICER_ROLE = "privacy_officer"


def schedule_closures(*, now: datetime.datetime | None = None) -> int:
    """For each newly closed account, an account-wide erasure due after the grace period,
    verified by the closure itself, and a notice to its owner saying when."""
    moment = now or timezone.now()
    grace = current_profile().rights.closure_grace_days
    since = moment - datetime.timedelta(days=grace + 30)
    made = 0
    for account, closed_at in directory().closed_accounts(since=since):
        if not _scheduled(account):
            _schedule(account, timezone.localdate(closed_at) + datetime.timedelta(days=grace))
            made += 1
    return made


def _scheduled(account: str) -> bool:
    """Whether the account's erasure is scheduled already, or under way through a request
    that closed it (the whole account's, or its owner's, which takes everyone)."""
    owner = directory().account_subjects(account)[:1]
    closed_by_request = (Q(scope=Scope.ACCOUNT, account=account) | Q(subject_id__in=owner)) & Q(
        status__in=[Status.IN_PROGRESS, Status.COMPLETED]
    )
    return (
        RightsRequest.objects.filter(kind=Kind.ERASURE)
        .filter(Q(channel=Channel.CLOSURE, account=account) | closed_by_request)
        .exists()
    )


def _schedule(account: str, erase_on: datetime.date) -> None:
    people = directory().account_subjects(account)
    owner = people[0] if people else None
    on_record = (directory().contact(owner) if owner else None) or Contact(name="", email="")
    with transaction.atomic():
        request = create_request(
            ask=Ask(kind=Kind.ERASURE, scope=Scope.ACCOUNT),
            channel=Channel.CLOSURE,
            subject_id=owner,
            given=on_record,
            actor=DAILY,
            account=account,
        )
        RightsRequest.objects.filter(pk=request.pk).update(
            due_on=erase_on, verification=Verification.CLOSURE
        )
        request.due_on = erase_on
        move(request=request, to=Status.VERIFIED, actor=DAILY, step="scheduled")
        context = {"account": account, "erase_on": date_text(erase_on)}
        notify(request=request, kind=messages.CLOSURE.key, context=context)


def start_due_closures(*, today: datetime.date | None = None) -> int:
    """Start the erasures of closed accounts whose grace period is over."""
    day = today or timezone.localdate()
    due = RightsRequest.objects.filter(
        channel=Channel.CLOSURE, status=Status.VERIFIED, due_on__lte=day
    )
    started = 0
    for request in due:
        start(request=request, actor=DAILY)
        started += 1
    return started


def remind_officers(*, today: datetime.date | None = None) -> int:
    """Tell each privacy officer how many requests are overdue or due this week (once a day)."""
    day = today or timezone.localdate()
    figures = counts(today=day)
    if not figures["overdue"] and not figures["soon"]:
        return 0
    link = settings.CLIENTVAULT_SITE_URL + reverse("rights:privacy_queue")
    officers = directory().staff_contacts(OFFICER_ROLE)
    for subject_id, email in officers:
        queue_message(
            subject_id=subject_id,
            to=email,
            kind=messages.REMINDER.key,
            context={
                "overdue": str(figures["overdue"]),
                "soon": str(figures["soon"]),
                "link": link,
            },
            key=f"rights:reminder:{day.isoformat()}:{subject_id}",
        )
    return len(officers)


@task()
def rights_daily(period: str = "") -> dict[str, int]:
    """The daily run (the scheduler enqueues it once a day)."""
    return {
        "expired": expire_unverified(),
        "exports_deleted": delete_expired_exports(),
        "closures_scheduled": schedule_closures(),
        "closures_started": start_due_closures(),
        "officers_reminded": remind_officers(),
    }
