"""The rights app's lines under "Open requests" on the customer's dashboard."""

from __future__ import annotations

import uuid

from django.db.models import Q
from django.urls import reverse

from clientvault.accounts.dashboard import OpenItem
from clientvault.rights.models import OPEN, RightsRequest


def open_requests(*, subject_id: uuid.UUID, account: str, may_privacy: bool) -> list[OpenItem]:
    """The person's open requests (with the privacy permission, the account's too)."""
    mine = Q(subject_id=subject_id)
    if may_privacy:
        mine |= Q(account=account)
    rows = RightsRequest.objects.filter(mine, status__in=OPEN).order_by("due_on")[:10]
    return [
        OpenItem(
            label=f"{r.get_kind_display()} ({r.reference})",
            url=reverse("rights:request", args=[r.pk]),
            status=r.get_status_display().lower(),
            due=r.deadline,
        )
        for r in rows
    ]
