"""The accounts app's answers to the kernel's directory (``clientvault.privacy.directory``).

Apps above accounts (rights, legal, incidents) learn through it who a login is, whom a name and
an e-mail address designate, the address on record and the people of an account, without
importing this app; and a rights request closes an account through it.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, QuerySet, Value, When

from clientvault.accounts.models import (
    Customer,
    CustomerStatus,
    CustomerStatusChange,
    Person,
    PersonRole,
    User,
)
from clientvault.accounts.services.customers import change_status, find_person_by_email
from clientvault.accounts.services.sessions import recently_authenticated
from clientvault.privacy.actors import Actor
from clientvault.privacy.directory import Contact, Identity, contact_in_books, match_in_books
from clientvault.privacy.fields import normalise_text


def _owner_first(people: QuerySet[Person]) -> QuerySet[Person]:
    owner_first = Case(When(role=PersonRole.OWNER, then=Value(0)), default=Value(1))
    return people.order_by(owner_first, "created_at")


def _identity(person: Person) -> Identity:
    people = _owner_first(Person.objects.filter(customer_id=person.customer_id))
    return Identity(
        subject_id=person.subject_id,
        account=person.customer.number,
        is_owner=person.is_owner,
        permissions=tuple(person.permissions or ()),
        display_name=person.display_name,
        people=tuple((p.subject_id, p.display_name, p.get_role_display()) for p in people),
    )


class AccountsDirectory:
    def identify(self, user: Any) -> Identity | None:
        if not getattr(user, "is_authenticated", False) or getattr(user, "is_staff", False):
            return None
        person = Person.objects.select_related("customer").filter(user_id=user.pk).first()
        return _identity(person) if person is not None else None

    def contact(self, subject_id: uuid.UUID) -> Contact | None:
        person = Person.objects.filter(subject_id=subject_id).first()
        if person is None:
            return contact_in_books(subject_id)  # someone on no account (a domain contact)
        if not str(person.email or ""):
            return None
        return Contact(name=person.display_name, email=str(person.email), phone=str(person.phone))

    def match(self, *, name: str, email: str) -> uuid.UUID | None:
        person = find_person_by_email(email.strip())
        if person is None:
            return match_in_books(name=name, email=email)
        if person.subject.is_erased:
            return None
        return person.subject_id if _same_name(person.display_name, name) else None

    def account_subjects(self, account: str) -> list[uuid.UUID]:
        people = _owner_first(Person.objects.filter(customer__number=account))
        return list(people.values_list("subject_id", flat=True))

    def account_of(self, subject_id: uuid.UUID) -> str | None:
        person = Person.objects.select_related("customer").filter(subject_id=subject_id).first()
        return person.customer.number if person else None

    def is_owner(self, subject_id: uuid.UUID) -> bool:
        return Person.objects.filter(subject_id=subject_id, role="owner").exists()

    def close_account(self, *, account: str, actor: Actor, reason: str) -> bool:
        customer = Customer.objects.get(number=account)
        if customer.status == CustomerStatus.CLOSED:
            return False
        try:
            change_status(customer=customer, to=CustomerStatus.CLOSED, actor=actor, reason=reason)
        except ValidationError:  # closed meanwhile by another worker
            return False
        return True

    def password_recent(self, session: Any) -> bool:
        return recently_authenticated(session)

    def staff_contacts(self, role: str) -> list[tuple[uuid.UUID, str]]:
        staff = User.objects.filter(is_staff=True, is_active=True, groups__name=role)
        found = [(u.subject_id, str(u.email or "")) for u in staff if u.subject_id]
        return [(subject_id, email) for subject_id, email in found if "@" in email]

    def closed_accounts(self, *, since: datetime.datetime) -> list[tuple[str, datetime.datetime]]:
        changes = CustomerStatusChange.objects.filter(
            to_status=CustomerStatus.CLOSED, at__gte=since, customer__status=CustomerStatus.CLOSED
        ).select_related("customer")
        return [(change.customer.number, change.at) for change in changes]


def _same_name(held: str, given: str) -> bool:
    """Names match when their words match, whatever the case, accents or spacing."""
    return bool(held.strip()) and normalise_text(held) == normalise_text(given)
