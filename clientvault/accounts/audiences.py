"""The audiences accounts offers to campaigns (messaging.audiences): the people of open
accounts whose e-mail address is confirmed; for newsletters, those of resellers' accounts.

Each member comes with the address on record and the given name a campaign may use; consent is
checked by the campaign and again by the outbox.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from clientvault.accounts.models import CustomerStatus, Person
from clientvault.messaging.audiences import Member, register_audience
from clientvault.messaging.models import Audience
from clientvault.privacy import vault

CHUNK = 500


def _reachable() -> QuerySet[Person]:
    people = Person.objects.exclude(customer__status=CustomerStatus.CLOSED)
    return people.filter(email_confirmed_at__isnull=False)


def _members(people: QuerySet[Person]) -> Iterator[Member]:
    for person in people.order_by("pk").iterator(chunk_size=CHUNK):
        address = person.email
        if not address or isinstance(address, vault.Erased):
            continue
        given = person.given_name
        name = "" if isinstance(given, vault.Erased) else str(given or "")
        yield Member(person.subject_id, str(address), {"given_name": name})


def customers() -> Iterator[Member]:
    return _members(_reachable())


def resellers() -> Iterator[Member]:
    return _members(_reachable().filter(customer__is_reseller=True))


def register() -> None:
    register_audience(Audience.CUSTOMERS, customers)
    register_audience(Audience.PARTNER_OFFER, customers)
    register_audience(Audience.RESELLERS, resellers)
