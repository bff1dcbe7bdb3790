"""Reading requests: a person's own, the staff queue by deadline, the counts for a dashboard."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from clientvault.privacy.directory import Identity, directory
from clientvault.privacy.models import Subject
from clientvault.rights.deadlines import SOON_DAYS, flag
from clientvault.rights.models import OPEN, Export, RightsRequest


def visible_to(identity: Identity) -> QuerySet[RightsRequest]:
    """The requests a signed-in person may see: about themselves, or, with the privacy
    permission, about anyone on their account."""
    mine = Q(subject_id=identity.subject_id)
    if identity.may("privacy"):
        mine |= Q(subject_id__in=[p[0] for p in identity.people]) | Q(account=identity.account)
    return RightsRequest.objects.filter(mine).order_by("-received_at")


def owned_request(identity: Identity, pk: uuid.UUID) -> RightsRequest:
    request = visible_to(identity).filter(pk=pk).first()
    if request is None:
        raise Http404("no such request")
    return request


def live_export(request: RightsRequest) -> Export | None:
    export = request.exports.filter(deleted_at__isnull=True).first()
    return export if export is not None and export.expires_at > timezone.now() else None


@dataclass(frozen=True)
class QueueRow:
    request: RightsRequest
    flag: str


def queue(*, show: str = "open") -> QuerySet[RightsRequest]:
    """The staff queue, the nearest deadline (extended or not) first."""
    rows = RightsRequest.objects.annotate(deadline_on=Coalesce("extended_to", "due_on"))
    if show == "open":
        rows = rows.filter(status__in=OPEN)
    return rows.order_by("deadline_on", "received_at")


def flagged(rows: list[RightsRequest], today: datetime.date | None = None) -> list[QueueRow]:
    """Each request with its flag: overdue, due this week, or none (closed ones never)."""
    day = today or timezone.localdate()
    return [QueueRow(r, flag(r.deadline, day) if r.is_open else "") for r in rows]


def counts(*, today: datetime.date | None = None) -> dict[str, int]:
    """Open, overdue and due-this-week requests (the reminder and ``rights overdue``)."""
    day = today or timezone.localdate()
    rows = queue(show="open")
    soon = day + datetime.timedelta(days=SOON_DAYS)
    return {
        "open": rows.count(),
        "overdue": rows.filter(**{"deadline_on__lt": day}).count(),
        "soon": rows.filter(**{"deadline_on__gte": day, "deadline_on__lte": soon}).count(),
    }


def find_subject(who: str) -> uuid.UUID:
    """A subject by its reference (S-…), or an account's owner by the account number."""
    text = who.strip().upper()
    subject = Subject.objects.filter(reference=text).first()
    if subject is not None:
        return subject.pk
    people = directory().account_subjects(text)
    if people:
        return people[0]
    raise ValueError(f"No person has the reference, and no account the number, {who.strip()!r}.")
