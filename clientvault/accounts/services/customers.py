"""Opening accounts, keeping people's data, and the account status workflow."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, TypeVar

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clientvault.accounts.activities import (
    AUTHORISED_PROFILE,
    LABELS,
    PROFILE,
    SIGNUP,
    SIGNUP_ORGANISATION,
    Activity,
)
from clientvault.accounts.models import (
    Channel,
    ClientLogEvent,
    Customer,
    CustomerKind,
    CustomerStatusChange,
    Permission,
    Person,
    PersonRole,
    ProfileChange,
    User,
)
from clientvault.accounts.services.answers import clean_security_answers, set_security_answers
from clientvault.accounts.services.clientlog import log_client_event
from clientvault.accounts.services.organisations import (
    clean_organisation_data,
    create_organisation,
)
from clientvault.accounts.validation import (
    check_text,
    clean_country,
    clean_email,
    clean_phone,
    clean_postal_code,
    max_length,
)
from clientvault.privacy.actors import Actor, actor_ref
from clientvault.privacy.fields import lookup
from clientvault.privacy.models import ConsentSource, PolicyVersion
from clientvault.privacy.models.policy import AcceptanceChannel
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.services.consent import record_consent
from clientvault.privacy.services.policy import record_acceptance
from clientvault.privacy.services.subjects import create_subject
from clientvault.privacy.taxonomy import Purpose

EMAIL_BY_LINK = (
    "E-mail address: a new address takes effect only when the link we send to it is followed; "
    "change it on the e-mail address page."
)
PERSON_FIELDS = (
    "given_name",
    "family_name",
    "email",
    "phone",
    "address_line1",
    "address_line2",
    "city",
    "postal_code",
    "region",
    "country",
    "employer",
    "job_title",
    "department",
    "business_phone",
)


def _strip(data: Mapping[str, Any]) -> dict[str, str]:
    """The person fields given, as plain single-line text with single spaces.

    Each value is checked as typed, before its spaces are tidied: a control character (a tab or
    a line break included) or a value over its length is refused, naming the field, whichever
    way it came (form, API, telephone intake).
    """
    given = {k: str(data.get(k) or "") for k in PERSON_FIELDS if k in data}
    errors: dict[str, str] = {}
    for name, value in given.items():
        try:
            check_text(value.strip(), max_length(name))
        except ValidationError as error:
            errors[name] = f"{LABELS[name]}: {error.messages[0]}"
    if errors:
        raise ValidationError(errors)
    return {name: " ".join(value.split()) for name, value in given.items()}


def clean_person_data(
    data: Mapping[str, Any], *, exclude: Person | None = None, default_country: str = ""
) -> dict[str, str]:
    """Normalise and validate a person's fields; errors name the field.

    Telephone numbers and postal codes are read for the person's country; ``default_country``
    only helps read a national telephone number when the data gives no country (it is not
    stored).
    """
    clean = _strip(data)
    errors: dict[str, str] = {}
    country = clean.get("country", exclude.country if exclude else "") or default_country
    checks: dict[str, Callable[[str], str]] = {
        "country": clean_country,
        "email": clean_email,
        "phone": partial(clean_phone, country=country),
        "business_phone": partial(clean_phone, country=country),
        "postal_code": partial(clean_postal_code, country=country),
    }
    for name, check in checks.items():
        if clean.get(name):
            try:
                clean[name] = check(clean[name])
            except ValidationError as error:
                errors[name] = f"{LABELS[name]}: {error.messages[0]}"
    if clean.get("email") and "email" not in errors and email_taken(clean["email"], exclude):
        errors["email"] = f"{LABELS['email']}: another account already uses this address."
    if errors:
        raise ValidationError(errors)
    return clean


def email_taken(email: str, exclude: Person | None = None) -> bool:
    people = Person.objects.filter(**lookup(Person, "email_index", email))
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    return people.exists()


def find_person_by_email(email: str) -> Person | None:
    return Person.objects.filter(**lookup(Person, "email_index", email)).first()


T = TypeVar("T")
USERNAME = re.compile(r"[\w.-]{3,150}")
USERNAME_TAKEN = "Username: this username is taken."
USERNAME_TAKEN_CODE = "username_taken"  # the one answer that says something about others


def check_login(username: str, password: str) -> None:
    """Refuse a username that is malformed or taken, and a weak password; errors name the field.

    A username may not contain "@": people sign in with a username or an e-mail address, so a
    username must never read as someone else's address.
    """
    errors: dict[str, list[str | ValidationError]] = {}
    if not USERNAME.fullmatch(username):
        errors["username"] = [
            "Username: use 3 to 150 letters, digits, dots, hyphens or underscores "
            "(no spaces, no @)."
        ]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [ValidationError(USERNAME_TAKEN, code=USERNAME_TAKEN_CODE)]
    try:
        validate_password(password, User(username=username))
    except ValidationError as error:
        errors["password"] = [f"Password: {m}" for m in error.messages]
    if errors:
        raise ValidationError(errors)


def gather(errors: dict[str, list[ValidationError]], check: Callable[[], T]) -> T | None:
    """Run one check, adding its field errors to ``errors`` so a form shows every problem.

    A field that already has an error (most often: it is missing) keeps only that one.
    """
    try:
        return check()
    except ValidationError as error:
        for field, messages in error.update_error_dict({}).items():
            errors.setdefault(field, messages)
        return None


def _activity(kind: str) -> Activity:
    return SIGNUP_ORGANISATION if kind == CustomerKind.ORGANISATION else SIGNUP


def open_account(
    *,
    kind: str,
    details: Mapping[str, Any],
    username: str,
    password: str,
    channel: str,
    actor: Actor | None,
    organisation_name: str = "",
    vat_number: str = "",
    company_number: str = "",
    policy_version: PolicyVersion | None = None,
    activity: Activity | None = None,
    marketing: bool | None = None,
    security_answers: Mapping[str, str] | None = None,
    email_confirmed: bool = True,
) -> Customer:
    """Open an account with its owner: subject, login, customer, person, history, log.

    An organisation's account gets its :class:`Organisation` (name, VAT and company numbers,
    checked for the address's country). ``email_confirmed=False`` leaves the owner's address
    awaiting its link (:mod:`clientvault.accounts.services.confirmation`): the login cannot
    sign in until then. ``activity`` replaces the signup's field rules, e.g. PHONE_INTAKE for
    staff intake (COL-2).
    ``policy_version`` is the privacy policy version the person accepted (POL-2);
    ``marketing``, when given, is their answer to the marketing question, recorded as consent;
    ``security_answers`` (question code -> answer), when given, are the login's first (SEC-2).
    Online, with no ``actor``, the person opening the account is the actor. Everything is
    checked, and every problem raised at once, before anything is written.
    """
    activity = activity or _activity(kind)
    required = {
        **details,
        "username": username,
        "password": password,
        "organisation_name": organisation_name,
    }
    organisation = {
        "organisation_name": organisation_name,
        "vat_number": vat_number,
        "company_number": company_number,
    }
    errors: dict[str, list[ValidationError]] = {}
    gather(errors, lambda: activity.require({**required, **organisation}))
    clean = gather(errors, lambda: clean_person_data(details))
    country = str(details.get("country") or "")
    clean_org = gather(errors, lambda: clean_organisation_data(organisation, country=country))
    gather(errors, lambda: check_login(username.strip(), password))
    if security_answers:
        gather(errors, lambda: clean_security_answers(security_answers))
    if errors or clean is None or clean_org is None:
        raise ValidationError(errors)
    with transaction.atomic():
        subject = create_subject(actor=actor)
        user = User(username=username.strip(), subject=subject)
        user.set_password(password)
        user.save()
        if actor is None and channel == Channel.ONLINE:
            actor = user
        staff = actor if actor is not None and actor.is_staff else None
        customer = Customer.objects.create(
            kind=kind,
            created_channel=channel,
            created_by=staff if isinstance(staff, User) else None,
        )
        person = Person(
            subject=subject,
            customer=customer,
            user=user,
            role=PersonRole.OWNER,
            permissions=list(Permission.values),
            created_channel=channel,
            created_by=customer.created_by,
            email_confirmed_at=timezone.now() if email_confirmed else None,
            **clean,
        )
        person.save()
        if kind == CustomerKind.ORGANISATION:
            create_organisation(customer=customer, owner=person, details=clean_org)
        _record_opening(customer, person, channel, actor, policy_version)
        if marketing is not None:
            _record_marketing(person, marketing, channel, actor)
        if security_answers:
            set_security_answers(user=user, answers=dict(security_answers), actor=actor or user)
    return customer


def _record_marketing(person: Person, granted: bool, channel: str, actor: Actor | None) -> None:
    source = ConsentSource.FORM if channel == Channel.ONLINE else ConsentSource.STAFF
    record_consent(
        subject=person.subject,
        purpose=Purpose.MARKETING,
        granted=granted,
        source=source,
        actor=actor,
    )


def _record_opening(
    customer: Customer,
    person: Person,
    channel: str,
    actor: Actor | None,
    policy_version: PolicyVersion | None,
) -> None:
    CustomerStatusChange.objects.create(
        customer=customer, to_status=customer.status, at=timezone.now(), actor_id=actor_ref(actor)
    )
    event = (
        ClientLogEvent.SIGNED_UP if channel == Channel.ONLINE else ClientLogEvent.CREATED_BY_STAFF
    )
    log_client_event(customer=customer, event=event, actor=actor, channel=channel, person=person)
    if policy_version is not None:
        record_acceptance(
            subject=person.subject,
            version=policy_version,
            channel=(
                AcceptanceChannel.SIGNUP if channel == Channel.ONLINE else AcceptanceChannel.STAFF
            ),
            actor=actor,
        )
        log_client_event(
            customer=customer,
            event=ClientLogEvent.POLICY_ACCEPTED,
            actor=actor,
            channel=channel,
            person=person,
            detail=f"version {policy_version.number}",
        )
    record_event(
        action="account.opened",
        actor=actor,
        subject_id=person.subject_id,
        obj=customer,
        details={"channel": channel, "kind": customer.kind},
    )


def update_person(
    *,
    person: Person,
    changes: Mapping[str, Any],
    actor: Actor | None,
    channel: str,
    activity: Activity | None = None,
) -> list[str]:
    """Correct, update or remove a person's data; every change kept as old -> new (CTL-1).

    The e-mail address is not changed here: a new one takes effect only when the link sent to
    it is followed (``services.confirmation.request_email_change``), so a different address is
    refused, naming the field.
    """
    current = {name: str(getattr(person, name) or "") for name in PERSON_FIELDS}
    merged = {**current, **_strip(changes)}
    (activity or (PROFILE if person.is_owner else AUTHORISED_PROFILE)).require(merged)
    clean = clean_person_data(merged, exclude=person)
    if clean["email"].casefold() != current["email"].casefold():
        raise ValidationError({"email": EMAIL_BY_LINK})
    clean["email"] = current["email"]
    changed = [name for name, value in clean.items() if value != current[name]]
    if not changed:
        return []
    with transaction.atomic():
        apply_person_changes(
            person=person,
            clean=clean,
            changed=changed,
            current=current,
            actor=actor,
            channel=channel,
        )
    return changed


def apply_person_changes(
    *,
    person: Person,
    clean: Mapping[str, str],
    changed: list[str],
    current: Mapping[str, str],
    actor: Actor | None,
    channel: str,
) -> None:
    """Store checked changes: each kept as old -> new, the account logged, the change audited."""
    ProfileChange.keep(
        person=person,
        changed=changed,
        old=current,
        new=clean,
        actor_id=actor_ref(actor),
        channel=channel,
    )
    for name in changed:
        setattr(person, name, clean[name])
    person.save()
    log_client_event(
        customer=person.customer,
        event=ClientLogEvent.PROFILE_CHANGED,
        actor=actor,
        channel=channel,
        person=person,
        detail=", ".join(LABELS[n] for n in changed),
    )
    record_event(
        action="person.updated",
        actor=actor,
        subject_id=person.subject_id,
        obj=person,
        details={"fields": changed, "channel": channel},
    )


def change_status(*, customer: Customer, to: str, actor: Actor, reason: str = "") -> Customer:
    """Move the account along its status workflow (CUSTOMER_TRANSITIONS).

    The account row is locked and its status read afresh, so two changes at once cannot both
    start from the same status; ``customer`` is updated in place.
    """
    with transaction.atomic():
        customer.status = Customer.objects.select_for_update().get(pk=customer.pk).status
        if not customer.may_become(to):
            raise ValidationError(
                {
                    "status": f"An account that is {customer.get_status_display().lower()} "
                    f"cannot become {to}."
                }
            )
        CustomerStatusChange.objects.create(
            customer=customer,
            from_status=customer.status,
            to_status=to,
            at=timezone.now(),
            actor_id=actor_ref(actor),
            reason=reason[:200],
        )
        customer.status = to
        customer.save(update_fields=["status"])
        log_client_event(
            customer=customer,
            event=ClientLogEvent.STATUS_CHANGED,
            actor=actor,
            channel=Channel.STAFF,
            detail=f"now {to}",
        )
        record_event(action="account.status_changed", actor=actor, obj=customer, details={"to": to})
    return customer
