"""Who may read a ticket's texts.

Customers: the people of the ticket's account with the support permission (the owner always),
through the kernel's shared-reading rule below, for the support purpose only. Staff: a role the
policy profile grants the purpose of the ticket's department (``DEPARTMENT_PURPOSE``).
"""

from __future__ import annotations

import uuid

from clientvault.accounts.models import Permission, Person, PersonRole
from clientvault.privacy.actors import Actor
from clientvault.privacy.taxonomy import Purpose


def account_ticket_reading(actor: Actor, subject_id: uuid.UUID, purpose: str) -> bool:
    """A customer with the support permission reads the account's tickets (sealed for its
    owner's subject) for the support purpose; nothing else."""
    if purpose != Purpose.SUPPORT:
        return False
    user_pk = getattr(actor, "pk", None)
    person = Person.objects.filter(user_id=user_pk).first() if user_pk is not None else None
    if person is None or not person.may(Permission.SUPPORT):
        return False
    return Person.objects.filter(
        customer_id=person.customer_id, role=PersonRole.OWNER, subject_id=subject_id
    ).exists()
