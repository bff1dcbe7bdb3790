"""The client log (COL-7): what happened on an account, shown to the customer and to staff.

Also the small helpers every account service needs without importing another service (which
would make a cycle): the person behind a login, a vault value as it can be used, a plural.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.utils import timezone

from clientvault.accounts.models import (
    Channel,
    ClientLogEntry,
    ClientLogEvent,
    Customer,
    Person,
    User,
)
from clientvault.privacy import vault
from clientvault.privacy.actors import Actor, SystemActor, primary_role

SYSTEM_LABEL = "system"
# Who did what an event names, when it is not whoever the log would name: a failed sign-in has
# no actor (nobody got in) but was not the system's doing.
EVENT_ACTOR_LABELS: dict[str, str] = {ClientLogEvent.LOGIN_FAILED: "someone trying to sign in"}
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


def user_pk(ref: str) -> uuid.UUID | None:
    """The login id in a stored actor reference (``user:<uuid>``), or None for any other."""
    kind, _, value = ref.partition(":")
    if kind != "user":
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def labels_for_actor_ids(actor_ids: Iterable[str], *, viewer: Person) -> dict[str, str]:
    """Role labels for stored actor references (``user:<pk>``, ``system:<name>``, ``""``).

    The viewer's own reference reads "you"; one query for the people and one for the staff.
    """
    refs = set(actor_ids)
    pks = {pk for pk in map(user_pk, refs) if pk is not None}
    known = {
        p.user_id: _person_label(p)
        for p in Person.objects.filter(customer_id=viewer.customer_id, user_id__in=pks)
    }
    known |= {u.pk: _staff_label(u) for u in User.objects.filter(pk__in=pks, is_staff=True)}
    if viewer.user_id is not None:
        known[viewer.user_id] = "you"
    labels = {}
    for ref in refs:
        pk = user_pk(ref)
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
        actor_label=EVENT_ACTOR_LABELS.get(event) or actor_label(actor, customer),
        channel=channel,
        at=timezone.now(),
    )


def person_of(user: User) -> Person | None:
    """The person a customer's login belongs to (with the account), or None (staff)."""
    if user.is_staff:
        return None
    return Person.objects.select_related("customer").filter(user=user).first()


def log_for_user(
    *, user: User, event: str, actor: Actor | None, detail: str = "", channel: str = ""
) -> None:
    """A client-log entry on the login's account, if it is a customer's; staff or online."""
    person = person_of(user)
    if person is None:
        return
    staff = actor is not None and actor.is_staff
    log_client_event(
        customer=person.customer,
        person=person,
        event=event,
        actor=actor,
        channel=channel or (Channel.STAFF if staff else Channel.ONLINE),
        detail=detail,
    )


def on_record(value: object) -> str:
    """A vault value as it can be used, or "" when it is missing, erased or restricted."""
    if not value or isinstance(value, vault.Erased | vault.Restricted):
        return ""
    return str(value)


def plural(count: int, noun: str) -> str:
    """ "1 session", "2 sessions": the count and the noun, with an "s" unless it is one."""
    return f"{count} {noun}{'s' if count != 1 else ''}"
