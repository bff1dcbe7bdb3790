"""The staff back office: roles, customer search, the record view, telephone intake, reports.

Staff roles are Django groups named after :class:`StaffRole`; what each role may use personal
data for comes from the policy profile's ``[roles]`` table, so the operator decides, not the
code. Every view of a customer's personal data goes to the access log (SEC-5), and on a
telephone or ticket channel a person's details stay hidden until the staff member has recorded a
passed identity check (CTL-6, :mod:`clientvault.accounts.services.identity`). Work without a
caller (the back-office channel) needs a stated :class:`BackOfficeReason`, offered only to the
roles the policy profile's ``[back_office]`` table grants it (each reason by name, per role:
never the union of a staff member's purposes), and recorded with its purpose in every access
event.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from clientvault.accounts.activities import (
    AUTHORISED_PROFILE,
    PHONE_INTAKE,
    PHONE_INTAKE_ORGANISATION,
    PHONE_UPDATE,
)
from clientvault.accounts.models import (
    REPORT_TRANSITIONS,
    Channel,
    ClientLogEvent,
    Customer,
    CustomerKind,
    IdentityCheck,
    Organisation,
    OrganisationNameToken,
    Person,
    ReportStatus,
    StaffRole,
    UnauthorisedUseReport,
    User,
    name_words,
)
from clientvault.accounts.services.clientlog import log_client_event
from clientvault.accounts.services.confirmation import clean_new_email, request_email_change
from clientvault.accounts.services.customers import change_status, open_account, update_person
from clientvault.accounts.services.identity import (
    decide_identity_check,
    has_passed_check,
    needs_check,
    passed_checks,
    start_identity_check,
)
from clientvault.accounts.services.reset import send_password_reset
from clientvault.accounts.validation import clean_phone
from clientvault.privacy.actors import Actor, actor_roles
from clientvault.privacy.fields import lookup
from clientvault.privacy.models import PolicyVersion
from clientvault.privacy.profile import BACK_OFFICE_REASONS, current_profile
from clientvault.privacy.services.access import record_access
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.services.subjects import create_subject
from clientvault.privacy.taxonomy import Purpose

__all__ = [
    "decide_identity_check",
    "ensure_staff_roles",
    "has_passed_check",
    "search_customers",
    "start_identity_check",
]

# What each part of the back office uses personal data for; a role needs the purpose granted.
# Account status changes (suspending for an unpaid invoice, closing) are billing work: under
# the need-to-know profile that is the billing and administrator roles.
CUSTOMER_PURPOSE = Purpose.SUPPORT
REPORT_PURPOSE = Purpose.SECURITY
STATUS_PURPOSE = Purpose.BILLING
RECORD_CHANNELS = frozenset({Channel.TELEPHONE, Channel.TICKET, Channel.STAFF})


class BackOfficeReason(models.TextChoices):
    """Why a staff member opens records with no caller to check (the back-office channel)."""

    BILLING_RUN = "billing_run", "Billing run (invoices, payments, reminders)"
    PRIVACY_REQUEST = "privacy_request", "Handling a privacy request (access, correction, erasure)"
    LEGAL_REQUEST = "legal_request", "Handling a legal request (court order, authority)"


# The purpose each reason serves, as the policy profile knows the reasons (it grants them per
# role in [back_office]). No reason serves support or security, the purposes of the staff who
# take calls.
BACK_OFFICE_PURPOSES: dict[str, str] = BACK_OFFICE_REASONS


# -- roles ------------------------------------------------------------------------------------


def ensure_staff_roles() -> list[Group]:
    """One group per staff role; safe to run any number of times."""
    return [Group.objects.get_or_create(name=role.value)[0] for role in StaffRole]


def role_purposes(role: str) -> tuple[str, ...]:
    return current_profile().roles.get(role, ())


def staff_purposes(staff: User) -> set[str]:
    return current_profile().purposes_for(actor_roles(staff))


def require_purpose(*, staff: User, purpose: str) -> None:
    """PermissionDenied naming the missing purpose unless one of the staff's roles grants it."""
    if purpose in staff_purposes(staff):
        return
    roles = sorted(actor_roles(staff)) or ["no staff role"]
    raise PermissionDenied(
        f"Your role ({', '.join(roles)}) is not granted the purpose “{Purpose(purpose).label}” "
        "in the policy profile, which this page needs. Ask an administrator if your work "
        "requires it."
    )


def back_office_reasons(staff: User) -> list[tuple[str, str]]:
    """The back-office reasons one of this staff member's roles is granted by name in the
    policy profile's ``[back_office]``, as (value, label) choices; none without customer search."""
    if CUSTOMER_PURPOSE not in staff_purposes(staff):
        return []
    granted = current_profile().back_office_reasons_for(actor_roles(staff))
    return [(value, label) for value, label in BackOfficeReason.choices if value in granted]


def require_back_office_reason(*, staff: User, reason: str) -> str:
    """The purpose of ``reason``; PermissionDenied unless the staff member's roles may give it."""
    if reason not in BackOfficeReason.values:
        raise PermissionDenied(
            "Back-office work without a caller needs a reason: choose one from the list."
        )
    if reason not in dict(back_office_reasons(staff)):
        label = BackOfficeReason(reason).label
        raise PermissionDenied(
            f"Your role may not open records without a caller for “{label}”. Work on the "
            "telephone or ticket channel, with an identity check."
        )
    return BACK_OFFICE_PURPOSES[reason]


def _staff_user(username: str) -> User:
    user = User.objects.filter(username=username, is_staff=True).first()
    if user is None:
        raise ValidationError({"username": f"Username: no staff login is called {username!r}."})
    return user


def _role_group(role: str) -> Group:
    if role not in StaffRole.values:
        known = ", ".join(StaffRole.values)
        raise ValidationError({"role": f"Role: {role!r} is not a staff role (one of {known})."})
    return Group.objects.get_or_create(name=role)[0]


def grant_staff_role(*, username: str, role: str, actor: Any) -> User:
    """Put a staff login in a role's group (audited)."""
    user, group = _staff_user(username), _role_group(role)
    with transaction.atomic():
        user.groups.add(group)
        record_event(action="staff.role_granted", actor=actor, obj=user, details={"role": role})
    return user


def revoke_staff_role(*, username: str, role: str, actor: Any) -> User:
    """Take a staff login out of a role's group (audited)."""
    user, group = _staff_user(username), _role_group(role)
    with transaction.atomic():
        user.groups.remove(group)
        record_event(action="staff.role_revoked", actor=actor, obj=user, details={"role": role})
    return user


def create_staff_login(
    *,
    username: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    actor: Actor | None,
) -> User:
    """A staff login with its own subject, for which its name and e-mail are sealed (audited).

    Without ``password`` it has no usable one: the staff member sets it by a reset link. Roles
    are given separately (:func:`grant_staff_role`).
    """
    user = User(username=username.strip(), email=email.strip(), is_staff=True)
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    _check_new_staff_login(user, password)
    with transaction.atomic():
        user.subject = create_subject(actor=actor)
        user.save()
        record_event(
            action="staff.login_created", actor=actor, subject_id=user.subject_id, obj=user
        )
    return user


def _check_new_staff_login(user: User, password: str | None) -> None:
    user.full_clean(exclude=["password", "subject"])
    if User.objects.filter(username__iexact=user.username).exists():
        raise ValidationError({"username": "Username: another login already has this name."})
    if password is None:
        user.set_unusable_password()
        return
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)


# -- search -----------------------------------------------------------------------------------

NUMBER = re.compile(r"(?:CV-?)?(\d{7})", re.IGNORECASE)
PHONE = re.compile(r"[\d\s()+./-]+")


def query_kind(query: str) -> str:
    """What a search looks for: number, email, phone or name (a person's or an organisation's;
    exact words only)."""
    if NUMBER.fullmatch(query):
        return "number"
    if "@" in query:
        return "email"
    if PHONE.fullmatch(query) and sum(ch.isdigit() for ch in query) >= 6:
        return "phone"
    return "name"


def _phone_indexes(query: str) -> list[str]:
    """Blind indexes of the query read as an E.164 number in each country we hold numbers for."""
    countries = {"", current_profile().storage_country}
    countries |= set(Person.objects.values_list("country", flat=True).distinct())
    numbers = {query}
    for country in sorted(countries):
        try:
            numbers.add(clean_phone(query, country))
        except ValidationError:
            continue
    return [lookup(Person, "phone_index", n)["phone_index"] or "" for n in numbers]


def _name_filter(query: str) -> Q:
    def matches(token: str) -> Q:
        return Q(**lookup(Person, "given_name_index", token)) | Q(
            **lookup(Person, "family_name_index", token)
        )

    every_word = Q()
    for word in query.split():
        every_word &= matches(word)
    return matches(query) | every_word


def _organisations_named(query: str) -> Q:
    """Accounts whose organisation's name holds every word of the query, found through the
    words' blind indexes: the name itself never leaves the vault."""
    words = name_words(query)
    if not words:
        return Q(pk__in=[])
    organisations = Organisation.objects.all()
    for word in words:
        tokens = OrganisationNameToken.objects.filter(
            **lookup(OrganisationNameToken, "word_index", word)
        )
        organisations = organisations.filter(pk__in=tokens.values("organisation_id"))
    return Q(pk__in=organisations.values("customer_id"))


def _people_filter(kind: str, query: str) -> Q:
    if kind == "email":
        return Q(**lookup(Person, "email_index", query))
    if kind == "phone":
        return Q(phone_index__in=_phone_indexes(query))
    return _name_filter(query)


def search_customers(*, query: str, actor: User | None = None) -> list[Customer]:
    """Accounts matching an e-mail, telephone, name (a person's, or the words of an
    organisation's), or account number exactly.

    The query never leaves this function: the audit event (when ``actor`` is given) records
    only what kind of query it was and how many accounts matched.
    """
    query = " ".join(query.split())
    if not query:
        raise ValidationError(
            {"query": "Type an e-mail address, telephone number, name or account number."}
        )
    kind = query_kind(query)
    if kind == "number":
        found = Q(number=f"CV-{NUMBER.fullmatch(query).group(1)}")  # type: ignore[union-attr]
    else:
        people = Person.objects.filter(_people_filter(kind, query))
        found = Q(pk__in=people.values("customer_id"))
        if kind == "name":
            found |= _organisations_named(query)
    customers = list(Customer.objects.filter(found).prefetch_related("people").order_by("number"))
    if actor is not None:
        record_event(
            action="staff.search", actor=actor, details={"kind": kind, "found": len(customers)}
        )
    return customers


# -- the customer record ----------------------------------------------------------------------


@dataclass(frozen=True)
class PersonOnRecord:
    person: Person
    revealed: bool
    check: IdentityCheck | None
    label: str


@dataclass(frozen=True)
class CustomerRecord:
    customer: Customer
    channel: str
    needs_check: bool
    people: list[PersonOnRecord]

    @property
    def revealed_any(self) -> bool:
        return any(p.revealed for p in self.people)


def _label(person: Person, position: int) -> str:
    return "Account owner" if person.is_owner else f"Authorised user {position}"


def view_customer(
    *, staff: User, customer: Customer, channel: str, reason: str = ""
) -> CustomerRecord:
    """A customer record as this staff member may see it now; each reveal is access-logged.

    On the telephone or a ticket a person is revealed only after a passed check. Back-office
    work (``Channel.STAFF``) reveals everyone, but only for a ``reason`` the staff member's roles
    may give (:func:`back_office_reasons`); the reason and its purpose go into each access event.
    """
    require_purpose(staff=staff, purpose=CUSTOMER_PURPOSE)
    if channel not in RECORD_CHANNELS:
        raise ValidationError({"channel": "Choose the telephone, a ticket or back-office work."})
    gated = needs_check(channel)
    purpose = CUSTOMER_PURPOSE if gated else require_back_office_reason(staff=staff, reason=reason)
    people = list(
        customer.people.select_related("user", "created_by").order_by("-role", "created_at")
    )
    checks = passed_checks(staff=staff, people=people) if gated else {}
    shown: list[PersonOnRecord] = []
    with transaction.atomic():
        for position, person in enumerate(people):
            check = checks.get(person.pk)
            revealed = not gated or check is not None
            if revealed:
                _log_view(staff, person, channel, purpose, "" if gated else reason)
            shown.append(PersonOnRecord(person, revealed, check, _label(person, position)))
    return CustomerRecord(customer, channel, gated, shown)


def _log_view(staff: User, person: Person, channel: str, purpose: str, reason: str) -> None:
    record_access(
        actor=staff,
        subject_id=person.subject_id,
        purpose=purpose,
        what=f"customer.person:{channel}",
        details={"reason": reason} if reason else None,
    )


def actor_names(refs: Iterable[str]) -> dict[str, str]:
    """Readable names for audit actor refs: staff by username, customers as "customer"."""
    staff = _staff_usernames({r.split(":", 1)[1] for r in refs if r.startswith("user:")})
    names: dict[str, str] = {}
    for ref in refs:
        kind, _, rest = ref.partition(":")
        if kind == "user":
            names[ref] = f"staff: {staff[rest]}" if rest in staff else "customer"
        else:
            names[ref] = "system" if kind == "system" else "—"
    return names


def _staff_usernames(ids: set[str]) -> dict[str, str]:
    """Usernames of the staff logins among ``ids`` (primary keys as text), by that text."""
    pk_field = User._meta.pk
    assert pk_field is not None
    pks = []
    for text in ids:
        try:
            pks.append(pk_field.to_python(text))
        except ValidationError:  # not a key of this model (an id from an older scheme)
            continue
    rows = User.objects.filter(pk__in=pks, is_staff=True).values_list("pk", "username")
    return {str(pk): username for pk, username in rows}


# -- telephone intake (COL-2) -----------------------------------------------------------------


def _new_username() -> str:
    while True:
        username = f"cv{secrets.randbelow(10**8):08d}"
        if not User.objects.filter(username=username).exists():
            return username


def open_account_by_telephone(
    *,
    staff: User,
    kind: str,
    details: Mapping[str, Any],
    policy_version: PolicyVersion,
    organisation: Mapping[str, str] | None = None,
) -> Customer:
    """Open an account for a caller: the fields signup asks, in its order (PHONE_INTAKE and
    PHONE_INTAKE_ORGANISATION share its definition), a generated username, no usable password,
    and a link to set one sent to the e-mail given; setting the password from it confirms the
    address. The record shows the staff member and the channel, and the caller's acceptance
    of ``policy_version`` is recorded as taken by staff (POL-2)."""
    require_purpose(staff=staff, purpose=CUSTOMER_PURPOSE)
    is_organisation, given = kind == CustomerKind.ORGANISATION, dict(organisation or {})
    with transaction.atomic():
        customer = open_account(
            kind=kind,
            details=details,
            username=_new_username(),
            password=secrets.token_urlsafe(32),
            channel=Channel.TELEPHONE,
            actor=staff,
            activity=PHONE_INTAKE_ORGANISATION if is_organisation else PHONE_INTAKE,
            policy_version=policy_version,
            email_confirmed=False,
            organisation_name=given.get("organisation_name", ""),
            vat_number=given.get("vat_number", ""),
            company_number=given.get("company_number", ""),
        )
        owner = customer.people.select_related("user").get()
        user = owner.user
        assert user is not None  # open_account always gives the owner a login
        user.set_unusable_password()
        user.save(update_fields=["password"])
        send_password_reset(user=user, actor=staff, channel=Channel.TELEPHONE)
    return customer


def require_check(*, staff: User, person: Person, channel: str) -> None:
    if needs_check(channel) and not has_passed_check(staff=staff, person=person):
        raise PermissionDenied(
            "Check the caller's identity first: this person's details stay hidden on the "
            "telephone and on tickets until a check has passed."
        )


def update_person_by_telephone(
    *, staff: User, person: Person, changes: Mapping[str, Any], channel: str
) -> list[str]:
    """Change a person's data on the caller's behalf, after a passed identity check.

    A new e-mail address is sent a link and takes effect when the caller opens it
    (:func:`request_email_change`; the old address is told); the fields changed now are
    returned.
    """
    require_purpose(staff=staff, purpose=CUSTOMER_PURPOSE)
    if not needs_check(channel):
        raise ValidationError({"channel": "Changes for a customer come by telephone or ticket."})
    require_check(staff=staff, person=person, channel=channel)
    activity = PHONE_UPDATE if person.is_owner else AUTHORISED_PROFILE
    rest = dict(changes)
    email = str(rest.pop("email", "") or "").strip()
    new_email = bool(email) and email.casefold() != str(person.email).casefold()
    if new_email:
        clean_new_email(person, email)  # refused before anything is written
    with transaction.atomic():
        changed = update_person(
            person=person, changes=rest, actor=staff, channel=channel, activity=activity
        )
        if new_email:
            request_email_change(person=person, email=email, actor=staff, channel=channel)
    return changed


def view_person_for_update(*, staff: User, person: Person) -> Person:
    """The person's current data for the change form, once checked; the view access-logged."""
    require_purpose(staff=staff, purpose=CUSTOMER_PURPOSE)
    require_check(staff=staff, person=person, channel=Channel.TELEPHONE)
    record_access(
        actor=staff, subject_id=person.subject_id, purpose=CUSTOMER_PURPOSE, what="person.edit"
    )
    return person


def reset_password_by_ticket(*, staff: User, person: Person) -> None:
    """A support ticket asked for a reset: the link goes only to the e-mail on record (CTL-2)."""
    require_purpose(staff=staff, purpose=CUSTOMER_PURPOSE)
    user = (
        User.objects.filter(pk=person.user_id, is_active=True).first() if person.user_id else None
    )
    if user is None:
        raise ValidationError({"person": "This person has no active login to reset."})
    send_password_reset(user=user, actor=staff, channel=Channel.TICKET)


# -- unauthorised-use reports (SEC-3) ---------------------------------------------------------

REPORT_EVENTS = {
    ReportStatus.ACKNOWLEDGED: ClientLogEvent.REPORT_ACKNOWLEDGED,
    ReportStatus.RESOLVED: ClientLogEvent.REPORT_RESOLVED,
}


def handle_report(*, report: UnauthorisedUseReport, to: str, staff: User) -> UnauthorisedUseReport:
    """Acknowledge or resolve a report along REPORT_TRANSITIONS; audited and client-logged."""
    require_purpose(staff=staff, purpose=REPORT_PURPOSE)
    with transaction.atomic():
        report = UnauthorisedUseReport.objects.select_for_update().get(pk=report.pk)
        if to not in REPORT_TRANSITIONS[report.status]:
            raise ValidationError(
                {
                    "status": f"A report that is {report.get_status_display().lower()} cannot be "
                    f"marked {ReportStatus(to).label.lower() if to in ReportStatus.values else to}."
                }
            )
        report.status, report.handled_by, report.handled_at = to, staff, timezone.now()
        report.save(update_fields=["status", "handled_by", "handled_at"])
        log_client_event(
            customer=report.customer,
            event=REPORT_EVENTS[ReportStatus(to)],
            actor=staff,
            channel=Channel.STAFF,
            person=report.person,
        )
        record_event(
            action=f"unauthorised_use.{to}",
            actor=staff,
            subject_id=report.subject_id,
            purpose=REPORT_PURPOSE,
            obj=report,
        )
    return report


def view_report(*, staff: User, report: UnauthorisedUseReport) -> UnauthorisedUseReport:
    """The report with its description, the view access-logged."""
    require_purpose(staff=staff, purpose=REPORT_PURPOSE)
    record_access(
        actor=staff,
        subject_id=report.subject_id,
        purpose=REPORT_PURPOSE,
        what="unauthorised_use_report",
    )
    return report


# -- account status ---------------------------------------------------------------------------


def may_change_status(staff: User) -> bool:
    return STATUS_PURPOSE in staff_purposes(staff)


def change_status_by_staff(*, staff: User, customer: Customer, to: str, reason: str) -> Customer:
    """Move the account along its status workflow for a staff member with the status purpose."""
    require_purpose(staff=staff, purpose=STATUS_PURPOSE)
    return change_status(customer=customer, to=to, actor=staff, reason=reason)
