"""A domain's contacts in the customer area: who is each of its four contacts, and one
contact's details.

Before a change is saved that makes someone's details public in the registry (RDAP/WHOIS),
the page lists exactly which details of whom the registry will publish, and saves only once
that list is ticked. The services record the change, audit it and tell the registrar.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from clientvault.accounts.access import person_required
from clientvault.accounts.models import Permission, Person
from clientvault.accounts.views.area import acting_user
from clientvault.hosting import queries
from clientvault.hosting.forms.area_contacts import (
    ROLE_LABELS,
    ContactForm,
    DomainContactsForm,
    PublicationConfirmation,
)
from clientvault.hosting.forms.area_fields import add_hosting_error, sent
from clientvault.hosting.models import ContactRole, Domain, DomainContact, DomainStatus
from clientvault.hosting.services.contacts import (
    ContactInput,
    add_contact,
    assign_contacts,
    contact_for_person,
    contact_values,
    domains_using,
    person_values,
    update_contact,
)
from clientvault.hosting.views.area_publication import (
    Exposure,
    exposure,
    fingerprint,
    public_changes,
)
from clientvault.privacy.actors import Actor

DOMAINS = Permission.DOMAINS


def _cancelled(request: HttpRequest, domain: Domain) -> HttpResponse:
    messages.info(request, f"{domain.display_name} was cancelled: it has no contacts to change.")
    return redirect("hosting:domain", name=domain.name)


def _confirmed(form: PublicationConfirmation, exposures: list[Exposure]) -> bool:
    """Whether the change may be saved: nothing becomes public, or the list was ticked."""
    if not exposures or form.confirms(fingerprint(exposures)):
        return True
    form.ask_to_confirm(fingerprint(exposures))
    return False


# -- who is each contact -----------------------------------------------------------------------


def _chosen(form: DomainContactsForm, role: str) -> tuple[ContactInput, str]:
    """The data and name of the contact chosen for ``role``."""
    option, new = form.choice(role), form.new_contact
    if option is None and new is not None:
        return new, f"{new.name or new.organisation}, {new.email} (new outside contact)"
    if option is not None and option.contact is not None:
        return contact_values(option.contact), option.label
    assert option is not None
    assert option.person is not None
    return person_values(option.person), option.label


def _changed_roles(domain: Domain, form: DomainContactsForm) -> list[str]:
    current = {role: f"contact:{getattr(domain, f'{role}_id')}" for role in ContactRole.values}
    return [role for role in ContactRole.values if form.cleaned_data[role] != current[role]]


def contact_change_exposures(domain: Domain, form: DomainContactsForm) -> list[Exposure]:
    found = [exposure(domain, role, *_chosen(form, role)) for role in _changed_roles(domain, form)]
    return public_changes(found)


@transaction.atomic
def save_contacts(domain: Domain, form: DomainContactsForm, actor: Actor) -> list[str]:
    """Make the new outside contact (if one was typed), then give each role its contact."""
    new = form.new_contact
    made = add_contact(customer=domain.customer, data=new, actor=actor) if new else None
    roles: dict[str, DomainContact] = {}
    for role in _changed_roles(domain, form):
        option = form.choice(role)
        if option is None:
            assert made is not None
            roles[role] = made
        elif option.contact is not None:
            roles[role] = option.contact
        elif option.person is not None:
            roles[role] = contact_for_person(person=option.person, actor=actor)
    return assign_contacts(domain=domain, roles=roles, actor=actor)


def _saved_message(domain: Domain, changed: list[str]) -> str:
    if not changed:
        return "Nothing changed: each role already has that contact."
    roles = ", ".join(ROLE_LABELS[ContactRole(r)].lower() for r in changed)
    told = (
        "The registrar is being told."
        if domain.status == DomainStatus.ACTIVE
        else "The registrar receives them with the registration."
    )
    return f"Saved the {roles} of {domain.display_name}. {told}"


@require_http_methods(["GET", "POST"])
@person_required(DOMAINS)
def domain_contacts(request: HttpRequest, person: Person, name: str) -> HttpResponse:
    domain = queries.own_domain(person, name)
    if domain.status == DomainStatus.CANCELLED:
        return _cancelled(request, domain)
    options = queries.contact_options(person.customer_id)
    initial = {role: f"contact:{getattr(domain, f'{role}_id')}" for role in ContactRole.values}
    form = DomainContactsForm(sent(request), options=options, initial=initial)
    exposures: list[Exposure] = []
    if request.method == "POST" and form.is_valid():
        exposures = contact_change_exposures(domain, form)
        if _confirmed(form, exposures):
            try:
                changed = save_contacts(domain, form, acting_user(request))
            except ValidationError as error:
                add_hosting_error(form, error)
            else:
                messages.success(request, _saved_message(domain, changed))
                return redirect("hosting:domain", name=domain.name)
    context = {"person": person, "domain": domain, "form": form, "exposures": exposures}
    return render(request, "hosting/area/domain_contacts.html", context)


# -- one contact's details -------------------------------------------------------------------------


def _roles_of(domain: Domain, contact: DomainContact) -> list[str]:
    return [r for r in ContactRole.values if getattr(domain, f"{r}_id") == contact.pk]


def contact_uses(contact: DomainContact) -> list[tuple[Domain, list[str]]]:
    """Each domain of the account that names the contact, with the roles it has there."""
    return [(d, _roles_of(d, contact)) for d in domains_using(contact)]


def edit_exposures(contact: DomainContact, new: ContactInput) -> list[Exposure]:
    """What the registry would publish differently once the contact is changed."""
    old = contact_values(contact)
    who = f"{new.name or new.organisation}, {new.email}"
    found = []
    for domain, roles in contact_uses(contact):
        for role in roles:
            after = exposure(domain, role, new, who)
            if after.fields != exposure(domain, role, old, who).fields:
                found.append(after)
    return public_changes(found)


@require_http_methods(["GET", "POST"])
@person_required(DOMAINS)
def contact_edit(request: HttpRequest, person: Person, name: str, pk: uuid.UUID) -> HttpResponse:
    """Correct one contact's details: every domain that names it is updated at the registrar."""
    domain = queries.own_domain(person, name)
    if domain.status == DomainStatus.CANCELLED:
        return _cancelled(request, domain)
    contact = queries.own_domain_contact(domain, pk)
    form = ContactForm(sent(request), initial=asdict(contact_values(contact)))
    exposures: list[Exposure] = []
    if request.method == "POST" and form.is_valid():
        new = form.cleaned_data["contact"]
        exposures = edit_exposures(contact, new)
        if _confirmed(form, exposures):
            try:
                update_contact(contact=contact, data=new, actor=acting_user(request))
            except ValidationError as error:
                add_hosting_error(form, error)
            else:
                messages.success(request, "Saved. Each domain that names this contact is updated.")
                return redirect("hosting:domain", name=domain.name)
    context = {
        "person": person,
        "domain": domain,
        "contact": contact,
        "label": queries.contact_label(contact),
        "uses": [
            (d, [ROLE_LABELS[ContactRole(r)] for r in roles]) for d, roles in contact_uses(contact)
        ],
        "form": form,
        "exposures": exposures,
    }
    return render(request, "hosting/area/contact_edit.html", context)
