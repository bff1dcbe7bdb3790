"""The client log (COL-7): what happened on an account, shown to the customer and to staff."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from clientvault.accounts.models import Channel, ClientLogEntry, Customer, Person, User
from clientvault.privacy.actors import Actor, SystemActor, primary_role

SYSTEM_LABEL = "system"
STAFF_LABEL = "staff"
OUTSIDER_LABEL = "someone outside the account"


def actor_label(actor: Actor | None, customer: Customer) -> str:
    """A role, never a name: who did it, as the account holder would understand it."""
    if actor is None or isinstance(actor, SystemActor):
        return SYSTEM_LABEL
    if actor.is_staff:
        return _staff_label(actor)
    person = Person.objects.filter(user_id=actor.pk, customer=customer).first()
    if person is None:
        return OUTSIDER_LABEL
    return _person_label(person)


def _staff_label(actor: Actor) -> str:
    role = primary_role(actor)
    return f"{STAFF_LABEL}: {role.replace('_', ' ')}" if role else STAFF_LABEL


def _person_label(person: Person) -> str:
    return "the account owner" if person.is_owner else "an authorised user"


def _user_pk(ref: str) -> int | None:
    kind, _, value = ref.partition(":")
    return int(value) if kind == "user" and value.isdigit() else None


def labels_for_actor_ids(actor_ids: Iterable[str], *, viewer: Person) -> dict[str, str]:
    """Role labels for stored actor references (``user:<pk>``, ``system:<name>``, ``""``).

    The viewer's own reference reads "you"; one query for the people and one for the staff.
    """
    refs = set(actor_ids)
    pks = {pk for pk in map(_user_pk, refs) if pk is not None}
    known = {
        p.user_id: _person_label(p)
        for p in Person.objects.filter(customer_id=viewer.customer_id, user_id__in=pks)
    }
    known |= {u.pk: _staff_label(u) for u in User.objects.filter(pk__in=pks, is_staff=True)}
    if viewer.user_id is not None:
        known[viewer.user_id] = "you"
    labels = {}
    for ref in refs:
        pk = _user_pk(ref)
        labels[ref] = SYSTEM_LABEL if pk is None else known.get(pk, OUTSIDER_LABEL)
    return labels


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
