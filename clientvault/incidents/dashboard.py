"""The incidents app's line under "Open requests" on the customer's dashboard."""

from __future__ import annotations

import uuid

from django.urls import reverse

from clientvault.accounts.dashboard import OpenItem
from clientvault.incidents.models import AffectedSubject, Status
from clientvault.incidents.queries import told


def security_notices(*, subject_id: uuid.UUID, account: str, may_privacy: bool) -> list[OpenItem]:
    """A security notice for the person while its incident is notifying people and once a
    notice to them went out (their own)."""
    mine = AffectedSubject.objects.filter(subject_id=subject_id, incident__status=Status.NOTIFYING)
    rows = told(mine, subject_id).select_related("incident")[:5]
    return [
        OpenItem(
            label=f"Security notice ({row.incident.reference})",
            url=reverse("incidents:security_notices"),
            status="please read",
        )
        for row in rows
    ]
