"""The client log (COL-7): what happened on an account, shown to the customer and to staff."""

from __future__ import annotations

from django.utils import timezone

from clientvault.accounts.models import Channel, ClientLogEntry, Customer, Person
from clientvault.privacy.actors import Actor, SystemActor


def actor_label(actor: Actor | None, customer: Customer) -> str:
    """A role, never a name: who did it, as the account holder would understand it."""
    if actor is None or isinstance(actor, SystemActor):
        return "system"
    if actor.is_staff:
        return "staff"
    person = Person.objects.filter(user_id=actor.pk, customer=customer).first()
    if person is None:
        return "someone outside the account"
    return "the account owner" if person.is_owner else "an authorised user"


def log_client_event(
    *,
    customer: Customer,
    event: str,
    actor: Actor | None,
    channel: str = Channel.ONLINE,
    person: Person | None = None,
    detail: str = "",
) -> ClientLogEntry:
    return ClientLogEntry.objects.create(
        customer=customer,
        person=person,
        event=event,
        detail=detail[:200],
        actor_label=actor_label(actor, customer),
        channel=channel,
        at=timezone.now(),
    )
