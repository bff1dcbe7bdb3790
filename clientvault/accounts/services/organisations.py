"""An organisation account's details: its name, VAT and company numbers (COL-4).

They are sealed for the account owner's subject (:class:`~clientvault.accounts.models.
Organisation`) and the name's words get blind indexes for staff search. The account owner
changes them; each change is kept, old -> new, in the owner's profile history (CTL-1), logged
on the account and audited (field names only).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from clientvault.accounts.activities import LABELS, ORGANISATION, ORGANISATION_DETAILS
from clientvault.accounts.models import (
    ClientLogEvent,
    Customer,
    Organisation,
    OrganisationNameToken,
    Person,
    PersonRole,
    ProfileChange,
    name_words,
)
from clientvault.accounts.services.clientlog import log_client_event, on_record
from clientvault.accounts.validation_organisation import clean_company_number, clean_vat_number
from clientvault.privacy.actors import Actor, actor_ref
from clientvault.privacy.services.audit import record_event

NAME_MAX_LENGTH = 200
# The form's field name -> the Organisation field that holds it.
MODEL_FIELDS = {
    "organisation_name": "name",
    "vat_number": "vat_number",
    "company_number": "company_number",
}
NOT_AN_ORGANISATION = "This account is an individual's: it has no organisation details."


def clean_organisation_data(data: Mapping[str, Any], *, country: str) -> dict[str, str]:
    """The organisation's fields given in ``data``, normalised, the numbers checked for
    ``country`` (the account's postal address); every problem at once, each naming its field."""
    clean = {name: " ".join(str(data.get(name) or "").split()) for name in ORGANISATION}
    clean = {name: value for name, value in clean.items() if name in data}
    errors: dict[str, str] = {}
    if len(clean.get("organisation_name", "")) > NAME_MAX_LENGTH:
        errors["organisation_name"] = f"{LABELS['organisation_name']}: at most 200 characters."
    checks = {"vat_number": clean_vat_number, "company_number": clean_company_number}
    for name, check in checks.items():
        if clean.get(name):
            try:
                clean[name] = check(clean[name], country)
            except ValidationError as error:
                errors[name] = f"{LABELS[name]}: {error.messages[0]}"
    if errors:
        raise ValidationError(errors)
    return clean


def create_organisation(
    *, customer: Customer, owner: Person, details: Mapping[str, str]
) -> Organisation:
    """The organisation of a new organisation account (``details`` cleaned already)."""
    organisation = Organisation(customer=customer, subject_id=owner.subject_id)
    for name, value in details.items():
        setattr(organisation, MODEL_FIELDS[name], value)
    organisation.save()
    index_name(organisation)
    return organisation


def index_name(organisation: Organisation) -> None:
    """The blind-indexed words of the organisation's name, afresh."""
    organisation.name_tokens.all().delete()
    for word in name_words(on_record(organisation.name)):
        token = OrganisationNameToken(
            organisation=organisation, subject_id=organisation.subject_id, word=word
        )
        token.save()


def organisation_details(customer: Customer) -> dict[str, str]:
    """The organisation's fields as forms show them; {} for an individual's account."""
    organisation = Organisation.objects.filter(customer=customer).first()
    if organisation is None:
        return {}
    return {name: on_record(getattr(organisation, f)) for name, f in MODEL_FIELDS.items()}


def _owner(customer: Customer, actor: Actor | None) -> Person:
    owner = customer.people.select_related("subject").get(role=PersonRole.OWNER)
    if actor is None or actor.pk is None or actor.pk != owner.user_id:
        raise PermissionDenied("Only the account owner can change the organisation's details.")
    return owner


def update_organisation(
    *, customer: Customer, changes: Mapping[str, Any], actor: Actor | None, channel: str
) -> list[str]:
    """Change the organisation's name, VAT or company number, as the account owner; the fields
    changed (each kept old -> new in the owner's profile history)."""
    owner = _owner(customer, actor)
    current = organisation_details(customer)
    if not current:
        raise ValidationError(NOT_AN_ORGANISATION)
    merged = {**current, **{k: v for k, v in changes.items() if k in ORGANISATION}}
    ORGANISATION_DETAILS.require(merged)
    clean = clean_organisation_data(merged, country=owner.country)
    changed = [name for name in ORGANISATION if clean[name] != current[name]]
    if changed:
        with transaction.atomic():
            _apply(customer, owner, clean, changed, current, actor, channel)
    return changed


def _apply(
    customer: Customer,
    owner: Person,
    clean: dict[str, str],
    changed: list[str],
    current: dict[str, str],
    actor: Actor | None,
    channel: str,
) -> None:
    organisation = Organisation.objects.select_for_update().get(customer=customer)
    for name in changed:
        setattr(organisation, MODEL_FIELDS[name], clean[name])
    ProfileChange.keep(
        person=owner,
        changed=changed,
        old=current,
        new=clean,
        actor_id=actor_ref(actor),
        channel=channel,
    )
    organisation.save()
    if "organisation_name" in changed:
        index_name(organisation)
    detail = ", ".join(LABELS[name] for name in changed)
    log_client_event(
        customer=customer,
        event=ClientLogEvent.PROFILE_CHANGED,
        actor=actor,
        channel=channel,
        person=owner,
        detail=detail,
    )
    record_event(
        action="organisation.updated",
        actor=actor,
        subject_id=owner.subject_id,
        obj=organisation,
        details={"fields": changed, "channel": channel},
    )
