"""The staff back office: roles, customer search, the record view, telephone intake, reports.

Staff roles are Django groups named after :class:`StaffRole`; what each role may use personal
data for comes from the policy profile's ``[roles]`` table, so the operator decides, not the
code. Every view of a customer's personal data goes to the access log (SEC-5), and on a
telephone or ticket channel a person's details stay hidden until the staff member has recorded a
passed identity check (CTL-6, :mod:`clientvault.accounts.services.identity`).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clientvault.accounts.activities import AUTHORISED_PROFILE, LABELS, PHONE_INTAKE
from clientvault.accounts.models import (
    REPORT_TRANSITIONS,
    Channel,
    ClientLogEvent,
    Customer,
    CustomerKind,
    IdentityCheck,
    Person,
    ReportStatus,
    StaffRole,
    UnauthorisedUseReport,
    User,
)
from clientvault.accounts.services.clientlog import log_client_event
from clientvault.accounts.services.customers import open_account, update_person
from clientvault.accounts.services.identity import (
    decide_identity_check,
    has_passed_check,
    needs_check,
    passed_check,
    start_identity_check,
)
from clientvault.accounts.services.reset import send_password_reset
from clientvault.accounts.validation import clean_phone
from clientvault.privacy.actors import actor_roles
from clientvault.privacy.fields import lookup
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.access import record_access
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.taxonomy import Purpose

__all__ = [
    "decide_identity_check",
    "ensure_staff_roles",
    "has_passed_check",
    "search_customers",
    "start_identity_check",
]

# What each part of the back office uses personal data for; a role needs the purpose granted.
CUSTOMER_PURPOSE = Purpose.SUPPORT
REPORT_PURPOSE = Purpose.SECURITY
STATUS_ROLES = (StaffRole.ADMINISTRATOR, StaffRole.BILLING)


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


# -- search -----------------------------------------------------------------------------------

NUMBER = re.compile(r"(?:CV-?)?(\d{7})", re.IGNORECASE)
PHONE = re.compile(r"[\d\s()+./-]+")


def query_kind(query: str) -> str:
    """What a search looks for: number, email, phone or name (exact tokens only)."""
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


def _people_filter(kind: str, query: str) -> Q:
    if kind == "email":
        return Q(**lookup(Person, "email_index", query))
    if kind == "phone":
        return Q(phone_index__in=_phone_indexes(query))
    return _name_filter(query)


def search_customers(*, query: str, actor: User | None = None) -> list[Customer]:
    """Accounts matching an e-mail, telephone, name token or account number exactly.

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


def view_customer(*, staff: User, customer: Customer, channel: str) -> CustomerRecord:
    """A customer record as this staff member may see it now; each reveal is access-logged."""
    require_purpose(staff=staff, purpose=CUSTOMER_PURPOSE)
    gated = needs_check(channel)
    people: list[PersonOnRecord] = []
    with transaction.atomic():
        for position, person in enumerate(customer.people.order_by("-role", "created_at")):
            check = passed_check(staff=staff, person=person) if gated else None
            revealed = not gated or check is not None
            if revealed:
                record_access(
                    actor=staff,
                    subject_id=person.subject_id,
                    purpose=CUSTOMER_PURPOSE,
                    what=f"customer.person:{channel}",
                )
            people.append(PersonOnRecord(person, revealed, check, _label(person, position)))
    return CustomerRecord(customer, channel, gated, people)


def actor_names(refs: Iterable[str]) -> dict[str, str]:
    """Readable names for audit actor refs: staff by username, customers as "customer"."""
    pks = {int(r.split(":", 1)[1]) for r in refs if r.startswith("user:")}
    staff = dict(User.objects.filter(pk__in=pks, is_staff=True).values_list("pk", "username"))
    names: dict[str, str] = {}
    for ref in refs:
        kind, _, rest = ref.partition(":")
        if kind == "user":
            pk = int(rest)
            names[ref] = f"staff: {staff[pk]}" if pk in staff else "customer"
        else:
            names[ref] = "system" if kind == "system" else "—"
    return names


# -- telephone intake (COL-2) -----------------------------------------------------------------


def _new_username() -> str:
    while True:
        username = f"cv{secrets.randbelow(10**8):08d}"
        if not User.objects.filter(username=username).exists():
            return username


def open_account_by_telephone(
    *, staff: User, kind: str, details: Mapping[str, Any], organisation_name: str = ""
) -> Customer:
    """Open an account for a caller: a generated username, no usable password, and a link to
    set one sent to the e-mail given. The record shows the staff member and the channel."""
    require_purpose(staff=staff, purpose=CUSTOMER_PURPOSE)
    if kind == CustomerKind.ORGANISATION and not organisation_name.strip():
        raise ValidationError(
            {"organisation_name": f"{LABELS['organisation_name']} is required for an organisation."}
        )
    with transaction.atomic():
        customer = open_account(
            kind=kind,
            details=details,
            username=_new_username(),
            password=secrets.token_urlsafe(32),
            channel=Channel.TELEPHONE,
            actor=staff,
            organisation_name=organisation_name,
            activity=PHONE_INTAKE,
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
    """Change a person's data on the caller's behalf, after a passed identity check."""
    require_purpose(staff=staff, purpose=CUSTOMER_PURPOSE)
    if not needs_check(channel):
        raise ValidationError({"channel": "Changes for a customer come by telephone or ticket."})
    require_check(staff=staff, person=person, channel=channel)
    activity = PHONE_INTAKE if person.is_owner else AUTHORISED_PROFILE
    return update_person(
        person=person, changes=changes, actor=staff, channel=channel, activity=activity
    )


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
    user = User.objects.filter(pk=person.user_id or 0, is_active=True).first()
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
