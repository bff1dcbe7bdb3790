"""The back office's hosting work: what staff may see and change of a customer's hosting.

Pages open by the purposes the policy profile grants a staff role, as the rest of the back
office: ``support`` reads a customer's services and domains, ``service`` acts on them. Each page
that shows a customer's services or domains is access-logged for each person on the account,
and the contacts a domain page shows for each contact's own subject (SEC-5).

A domain contact's details are a person's, so they stay hidden as the customer record keeps a
caller's details hidden (CTL-6): only once the staff member has recorded a passed identity check
(``accounts.services.identity``, valid 30 minutes) of a caller who may manage the account's
domains, its owner or a person with the ``domains`` permission. The same check lets staff change
a domain's contacts for that caller (CTL-3), through a support ticket whose reference goes into
the audit event as a short code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from clientvault.accounts.models import Customer, IdentityCheck, Permission, Person, User
from clientvault.accounts.services.identity import passed_checks
from clientvault.accounts.services.staff import require_purpose, staff_purposes
from clientvault.hosting.errors import HostingError
from clientvault.hosting.models import ContactRole, Domain, DomainContact, RemoteCall, Service
from clientvault.hosting.services.calls import last_failed_call, open_call
from clientvault.hosting.services.contacts import (
    ContactInput,
    add_contact,
    assign_contacts,
    update_contact,
)
from clientvault.privacy.services.access import record_access
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.taxonomy import Purpose

SUPPORT = Purpose.SUPPORT  # reading a customer's services and domains
SERVICE = Purpose.SERVICE  # acting on them
TICKET = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/-]{0,31}")
NO_CHECK = (
    "Check the caller's identity first: a domain's contacts are shown and changed only for a "
    "caller who may manage the account's domains (its owner, or a person with the domains "
    "permission), after a passed identity check on the telephone or a ticket."
)


def may_act(staff: User) -> bool:
    """Whether the staff member's roles may act on services and domains (not only read)."""
    return SERVICE in staff_purposes(staff)


# -- access logging ---------------------------------------------------------------------------


def log_account_view(*, staff: User, customer: Customer, purpose: str, what: str) -> None:
    """One access-log entry per person on the account: ``staff`` saw ``what`` of its hosting."""
    for subject_id in customer.people.values_list("subject_id", flat=True):
        record_access(actor=staff, subject_id=subject_id, purpose=purpose, what=what)


def log_contacts_view(*, staff: User, contacts: Iterable[DomainContact], purpose: str) -> None:
    """One entry per contact subject whose details were shown (each once)."""
    for subject_id in sorted({c.subject_id for c in contacts}, key=str):
        record_access(
            actor=staff, subject_id=subject_id, purpose=purpose, what="hosting.domain_contact"
        )


# -- the caller's identity check (CTL-6) ------------------------------------------------------


def callers(customer: Customer) -> list[Person]:
    """The people on the account who may manage its domains: a caller must be one of them."""
    people = customer.people.select_related("customer").order_by("-role", "created_at")
    return [person for person in people if person.may(Permission.DOMAINS)]


def caller_check(*, staff: User, customer: Customer) -> IdentityCheck | None:
    """The staff member's passed identity check, valid now, of a caller who may manage the
    account's domains (the one valid the longest), or None."""
    checks = passed_checks(staff=staff, people=callers(customer)).values()
    return max(checks, key=lambda check: check.valid_until or check.created_at, default=None)


# -- contact changes through a ticket (CTL-3) -------------------------------------------------


class ContactHow(models.TextChoices):
    # Change the details of the role's contact (in every role and domain that uses it).
    EDIT = "edit", "Change this contact's details"
    ASSIGN = "assign", "Use another of the account's contacts"
    NEW = "new", "Add a new contact for this role"  # an outside person, a subject of its own


@dataclass(frozen=True)
class ContactChange:
    """What a ticket asks for one role of a domain."""

    role: str
    how: str
    ticket: str
    data: ContactInput | None = None  # EDIT and NEW
    contact: DomainContact | None = None  # ASSIGN


def clean_ticket(value: str) -> str:
    """The ticket's reference as a short code (T-1234), or a refusal naming the field."""
    ticket = value.strip()
    if not TICKET.fullmatch(ticket):
        raise HostingError(
            "Ticket reference: give the ticket's reference, such as T-1234 (up to 32 letters, "
            "digits and - _ . : /, no spaces).",
            field="ticket",
        )
    return ticket


def _apply(domain: Domain, change: ContactChange, staff: User) -> DomainContact:
    if change.how == ContactHow.EDIT and change.data is not None:
        return update_contact(
            contact=domain.contact_for(change.role), data=change.data, actor=staff
        )
    if change.how == ContactHow.NEW and change.data is not None:
        contact = add_contact(customer=domain.customer, data=change.data, actor=staff)
    elif change.how == ContactHow.ASSIGN and change.contact is not None:
        contact = change.contact
    else:
        raise HostingError("Choose what to change.", field="how")
    assign_contacts(domain=domain, roles={change.role: contact}, actor=staff)
    return contact


def change_contact_by_ticket(
    *, staff: User, domain: Domain, change: ContactChange
) -> DomainContact:
    """Change one role's contact for a checked caller; audited with the ticket's reference."""
    require_purpose(staff=staff, purpose=SERVICE)
    check = caller_check(staff=staff, customer=domain.customer)
    if check is None:
        raise PermissionDenied(NO_CHECK)
    if change.role not in ContactRole.values:
        raise HostingError("Choose a contact role.", field="role")
    ticket = clean_ticket(change.ticket)
    with transaction.atomic():
        contact = _apply(domain, change, staff)
        record_event(
            action="domain.contact_changed_by_ticket",
            actor=staff,
            subject_id=contact.subject_id,
            purpose=SERVICE,
            obj=domain,
            details={
                "ticket": ticket,
                "role": change.role,
                "how": change.how,
                "identity_check": check.pk,
            },
        )
    return contact


# -- provisioning state -----------------------------------------------------------------------


@dataclass(frozen=True)
class Provisioning:
    """Where a service's panel calls, or a domain's registrar calls, stand now."""

    open: RemoteCall | None  # a call under way (queued, running or waiting to retry)
    failed: RemoteCall | None  # the newest call, when it failed for good

    @property
    def settled(self) -> bool:
        return self.open is None and self.failed is None


def provisioning(*, service: Service | None = None, domain: Domain | None = None) -> Provisioning:
    return Provisioning(
        open_call(service=service, domain=domain),
        last_failed_call(service=service, domain=domain),
    )
