"""Who may read a ticket's texts.

Customers: the people of the ticket's account with the support permission (the owner always),
through the kernel's shared-reading rule below, for the support purpose only. Staff: a role the
policy profile grants the purpose of the ticket's department (``DEPARTMENT_PURPOSE``).
"""

from __future__ import annotations

import uuid

from django.db import models

from clientvault.accounts.models import Permission, Person, PersonRole
from clientvault.privacy.actors import Actor
from clientvault.privacy.taxonomy import Purpose
from clientvault.support.models import Attachment, Ticket, TicketMessage


def account_ticket_reading(
    actor: Actor, obj: models.Model, subject_id: uuid.UUID, purpose: str
) -> bool:
    """A customer with the support permission reads the texts of the account's own tickets
    (sealed for its owner's subject) for the support purpose; nothing else of the owner's."""
    if purpose != Purpose.SUPPORT or not isinstance(obj, Ticket | TicketMessage | Attachment):
        return False
    user_pk = getattr(actor, "pk", None)
    person = Person.objects.filter(user_id=user_pk).first() if user_pk is not None else None
    if person is None or not person.may(Permission.SUPPORT):
        return False
    return (
        _customer_of(obj) == person.customer_id
        and Person.objects.filter(
            customer_id=person.customer_id, role=PersonRole.OWNER, subject_id=subject_id
        ).exists()
    )


def _customer_of(obj: Ticket | TicketMessage | Attachment) -> uuid.UUID | None:
    if isinstance(obj, Attachment):
        return obj.message.ticket.customer_id
    if isinstance(obj, TicketMessage):
        return obj.ticket.customer_id
    return obj.customer_id
