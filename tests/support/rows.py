"""Support rows of an account for the walks (access, API): made once, found again."""

from __future__ import annotations

from clientvault.accounts.models import Person
from clientvault.privacy.actors import SYSTEM
from clientvault.support.models import Department, Ticket
from clientvault.support.services.tickets import open_ticket


def a_ticket(owner: Person) -> Ticket:
    found = Ticket.objects.filter(customer_id=owner.customer_id).first()
    if found is not None:
        return found
    posted = open_ticket(
        person=owner,
        title="My site is slow",
        body="Pages take ten seconds to load.",
        department=Department.SUPPORT,
        actor=SYSTEM,
    )
    return posted.ticket
