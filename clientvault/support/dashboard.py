"""Support's lines under "Open requests" on the customer's dashboard: the account's tickets
that are not closed, for a person with the support permission (titles stay on the ticket pages,
where they are read through ``reveal``)."""

from __future__ import annotations

import uuid

from django.urls import reverse

from clientvault.accounts.dashboard import OpenItem
from clientvault.accounts.models import Permission, Person
from clientvault.support.models import Ticket, TicketStatus


def open_tickets(*, subject_id: uuid.UUID, account: str, may_privacy: bool) -> list[OpenItem]:
    person = Person.objects.filter(subject_id=subject_id).first()
    if person is None or not person.may(Permission.SUPPORT):
        return []
    rows = Ticket.objects.filter(customer_id=person.customer_id).exclude(status=TicketStatus.CLOSED)
    return [
        OpenItem(
            label=f"Support ticket {t.number} ({t.get_department_display()})",
            url=reverse("support:ticket", args=[t.number]),
            status=t.get_status_display().lower(),
        )
        for t in rows.order_by("-updated_at")[:10]
    ]
