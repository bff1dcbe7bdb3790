"""What the pages read: a person's breach notices, an incident's counts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, QuerySet

from clientvault.incidents.models import AffectedSubject, Channel, Incident, Notice, NoticeStatus
from clientvault.incidents.wording import NoticeText, notice_text

TOLD = (NoticeStatus.SENT, NoticeStatus.ATTEMPTED)  # a notice that went (or was tried)


@dataclass(frozen=True)
class PersonNotice:
    incident: Incident
    text: NoticeText


def notices_of(subject_id: uuid.UUID) -> list[PersonNotice]:
    """The breach notices addressed to one person: incidents that affected them and of which
    a notice to them went out (or was tried) by some channel. Only the person's own rows are
    read."""
    rows = (
        told(AffectedSubject.objects.filter(subject_id=subject_id), subject_id)
        .select_related("incident")
        .order_by("-incident__discovered_at")
    )
    return [PersonNotice(row.incident, notice_text(row.incident, row.categories)) for row in rows]


def told(rows: QuerySet[AffectedSubject], subject_id: uuid.UUID) -> QuerySet[AffectedSubject]:
    """Those of ``rows`` whose incident sent (or tried) a notice to the person."""
    notices = Notice.objects.filter(
        incident=OuterRef("incident"), subject_id=subject_id, status__in=TOLD
    )
    return rows.filter(Exists(notices))


def notice_counts(incident: Incident) -> dict[str, dict[str, int]]:
    """channel -> status -> how many notices."""
    counts: dict[str, dict[str, int]] = {c: {} for c in Channel.values}
    rows = incident.notices.values("channel", "status").annotate(n=Count("id")).order_by()
    for row in rows:
        counts[row["channel"]][row["status"]] = row["n"]
    return counts


def incidents() -> QuerySet[Incident]:
    return Incident.objects.annotate(people=Count("affected")).order_by("-discovered_at")


def calls(incident: Incident) -> QuerySet[Notice]:
    return incident.notices.filter(channel=Channel.TELEPHONE).order_by("status", "id")
