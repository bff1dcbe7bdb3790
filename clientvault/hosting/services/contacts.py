"""Domain contacts: made from the account's people or for outside people, validated, changed.

A contact copied from a person on the account shares that person's subject; any other contact
(an outside technical contact, say) is a subject of its own, so it can ask for its data and
for its erasure through the public rights form. Every value is checked as the profile's are
(email-validator, phonenumbers for the contact's country, the country's postal code format).
A change to a contact that active domains use is sent to the registrar for each of them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from clientvault.accounts.models import ClientLogEvent, Customer, Person
from clientvault.accounts.services.clientlog import log_client_event
from clientvault.accounts.validation import (
    check_text,
    clean_country,
    clean_email,
    clean_phone,
    clean_postal_code,
    postal_code_required,
)
from clientvault.billing.services.accounts import channel_for
from clientvault.hosting.errors import HostingError
from clientvault.hosting.models import (
    CallAction,
    ContactRole,
    Domain,
    DomainContact,
    DomainEvent,
    DomainEventKind,
    DomainStatus,
)
from clientvault.hosting.services.calls import queue_call
from clientvault.privacy.actors import Actor
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.services.subjects import create_subject

TEXT_LIMIT = 200
ROLE_FIELDS = {role.value: role.value for role in ContactRole}  # Domain's FK names are the roles


@dataclass(frozen=True)
class ContactInput:
    name: str = ""
    organisation: str = ""
    email: str = ""
    phone: str = ""
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    postal_code: str = ""
    region: str = ""
    country: str = ""


FIELD_LABELS = {
    "name": "Name",
    "organisation": "Organisation",
    "email": "E-mail address",
    "phone": "Telephone",
    "address_line1": "Address",
    "address_line2": "Address (second line)",
    "city": "Town or city",
    "postal_code": "Postal code",
    "region": "Region",
    "country": "Country",
}
REQUIRED = ("email", "phone", "address_line1", "city", "country")


def _fail(field: str, message: str) -> HostingError:
    return HostingError(f"{FIELD_LABELS[field]}: {message}", field=field)


def _checked(field: str, check: Callable[[], str]) -> str:
    try:
        return check()
    except ValidationError as error:
        raise _fail(field, " ".join(error.messages)) from None


def _texts(data: ContactInput) -> dict[str, str]:
    values = {f.name: " ".join(str(getattr(data, f.name) or "").split()) for f in fields(data)}
    for name, value in values.items():
        try:
            check_text(value, TEXT_LIMIT)
        except ValidationError as error:
            raise _fail(name, " ".join(error.messages)) from None
    return values


def clean_contact(data: ContactInput) -> ContactInput:
    """The contact as stored, or the first problem, naming the field."""
    values = _texts(data)
    if not values["name"] and not values["organisation"]:
        raise _fail("name", "give the contact's name, or the organisation's.")
    for name in REQUIRED:
        if not values[name]:
            raise _fail(name, "this is required for a domain contact.")
    country = values["country"] = _checked("country", lambda: clean_country(values["country"]))
    values["email"] = _checked("email", lambda: clean_email(values["email"]))
    values["phone"] = _checked("phone", lambda: clean_phone(values["phone"], country))
    if values["postal_code"] or postal_code_required(country):
        values["postal_code"] = _checked(
            "postal_code", lambda: clean_postal_code(values["postal_code"], country)
        )
    return ContactInput(**values)


def contact_values(contact: DomainContact) -> ContactInput:
    return ContactInput(
        **{f.name: str(getattr(contact, f.name) or "") for f in fields(ContactInput)}
    )


def person_values(person: Person) -> ContactInput:
    address = {
        name: str(getattr(person, name) or "")
        for name in ("address_line1", "address_line2", "city", "postal_code", "region")
    }
    organisation = person.customer.organisation_name
    return ContactInput(
        name=person.display_name,
        organisation=organisation,
        email=str(person.email or ""),
        phone=str(person.phone or ""),
        country=person.country,
        **address,
    )


def _fill(contact: DomainContact, data: ContactInput) -> None:
    for name, value in asdict(data).items():
        setattr(contact, name, value)


def contact_for_person(*, person: Person, actor: Actor | None) -> DomainContact:
    """The account's contact copying ``person`` (made from their profile the first time)."""
    found = DomainContact.objects.filter(customer_id=person.customer_id, person=person).first()
    if found is not None:
        return found
    contact = DomainContact(customer_id=person.customer_id, subject_id=person.subject_id)
    contact.person = person
    _fill(contact, person_values(person))
    with transaction.atomic():
        contact.save()
        record_event(action="domain_contact.created", actor=actor, subject_id=person.subject_id)
    return contact


def add_contact(*, customer: Customer, data: ContactInput, actor: Actor) -> DomainContact:
    """A new outside contact: a subject of its own."""
    cleaned = clean_contact(data)
    with transaction.atomic():
        subject = create_subject(actor=actor)
        contact = DomainContact(customer=customer, subject=subject)
        _fill(contact, cleaned)
        contact.save()
        record_event(action="domain_contact.created", actor=actor, subject_id=subject.pk)
    return contact


def domains_using(contact: DomainContact) -> list[Domain]:
    """The account's domains that name this contact in any role."""
    in_a_role = Q(registrant=contact) | Q(admin=contact) | Q(tech=contact) | Q(billing=contact)
    found = Domain.objects.filter(in_a_role, customer_id=contact.customer_id)
    return list(found.exclude(status=DomainStatus.CANCELLED))


def _tell_registrar(domain: Domain, roles: list[str], actor: Actor | None) -> None:
    if domain.status == DomainStatus.ACTIVE:
        queue_call(
            domain=domain,
            action=CallAction.UPDATE_CONTACTS,
            actor=actor,
            arguments={"roles": roles},
        )


def _roles_of(domain: Domain, contact: DomainContact) -> list[str]:
    return [role for role in ROLE_FIELDS if getattr(domain, f"{role}_id") == contact.pk]


def update_contact(
    *, contact: DomainContact, data: ContactInput, actor: Actor | None
) -> DomainContact:
    """Change a contact; each active domain that uses it is updated at the registrar."""
    cleaned = clean_contact(data)
    with transaction.atomic():
        contact = DomainContact.objects.select_for_update().get(pk=contact.pk)
        changed = [k for k, v in asdict(cleaned).items() if str(getattr(contact, k) or "") != v]
        if not changed:
            return contact
        _fill(contact, cleaned)
        contact.save()
        record_event(
            action="domain_contact.changed",
            actor=actor,
            subject_id=contact.subject_id,
            details={"fields": changed},
        )
        for domain in domains_using(contact):
            _contacts_changed(domain, _roles_of(domain, contact), actor)
    return contact


def _contacts_changed(domain: Domain, roles: list[str], actor: Actor | None) -> None:
    DomainEvent.objects.create(
        domain=domain,
        kind=DomainEventKind.CONTACTS_CHANGED,
        detail=", ".join(ContactRole(r).label.lower() for r in roles),
        at=domain.updated_at,
        actor_id=str(getattr(actor, "pk", "") or ""),
    )
    log_client_event(
        customer=domain.customer,
        event=ClientLogEvent.DOMAIN_CONTACTS_CHANGED,
        actor=actor,
        channel=channel_for(actor),
        detail=f"{domain.display_name}: {', '.join(roles)}",
    )
    _tell_registrar(domain, roles, actor)


def assign_contacts(
    *, domain: Domain, roles: Mapping[str, DomainContact], actor: Actor
) -> list[str]:
    """Give the domain new contacts for some roles; the roles that changed."""
    with transaction.atomic():
        domain = Domain.objects.select_for_update().get(pk=domain.pk)
        changed = []
        for role, contact in roles.items():
            if contact.customer_id != domain.customer_id:
                raise HostingError("Choose one of this account's contacts.", field=role)
            if getattr(domain, f"{ROLE_FIELDS[role]}_id") != contact.pk:
                setattr(domain, ROLE_FIELDS[role], contact)
                changed.append(role)
        if changed:
            domain.save()
            record_event(
                action="domain.contacts_assigned",
                actor=actor,
                obj=domain,
                details={"roles": changed},
            )
            _contacts_changed(domain, changed, actor)
    return changed


def correct_contact_field(
    *, subject_id: uuid.UUID, field: str, value: str, actor: Actor | None
) -> str:
    """A rights request's correction of one field of the subject's domain contacts; the old
    value. Every contact of the subject is corrected, and each domain using it updated."""
    contacts = list(DomainContact.objects.filter(subject_id=subject_id))
    if not contacts:
        raise ValidationError({field: "No domain contact is held for this subject."})
    old = str(getattr(contacts[0], field) or "")
    for contact in contacts:
        data = asdict(contact_values(contact)) | {field: value}
        try:
            update_contact(contact=contact, data=ContactInput(**data), actor=actor)
        except HostingError as error:
            raise ValidationError({field: error.text}) from None
    return old


def stale_copies(person: Person) -> list[DomainContact]:
    """The domain contacts copied from ``person`` whose details the profile has since changed."""
    fresh = person_values(person)
    copies = DomainContact.objects.filter(customer_id=person.customer_id, person=person)
    return [c for c in copies if contact_values(c) != fresh and domains_using(c)]


def update_copies_from_profile(*, person: Person, actor: Actor) -> int:
    """Bring the person's domain contacts up to their profile; each domain using one is
    updated at the registrar. How many contacts changed."""
    changed = 0
    for contact in stale_copies(person):
        update_contact(contact=contact, data=person_values(person), actor=actor)
        changed += 1
    return changed
