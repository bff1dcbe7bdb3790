"""The back office's view of tickets: which departments a staff member works in, the queue, one
ticket found for them, its service-level state, and who may take it.

A staff member reads the tickets of the departments whose purpose (``DEPARTMENT_PURPOSE``) the
policy profile grants one of their roles, and no other (REV-1): billing staff do not see the
privacy department's tickets, a role granted none of those purposes has no queue at all. A
ticket of another department is not found (404), as if it did not exist. There is no search
through the tickets' texts: the queue filters by what is not content (status, priority,
department, assignee).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Case, DateTimeField, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from clientvault.accounts.models import Permission, Person, User
from clientvault.accounts.services.identity import passed_checks
from clientvault.accounts.services.staff import staff_purposes
from clientvault.privacy.actors import actor_roles
from clientvault.privacy.profile import current_profile
from clientvault.privacy.taxonomy import Purpose
from clientvault.support.models import DEPARTMENT_PURPOSE, Department, Ticket, TicketStatus

ADMINISTRATOR = "administrator"  # the role superusers act in (privacy.actors.actor_roles)


def departments_for(staff: User) -> list[str]:
    """The departments whose tickets this staff member's roles may read, in the enum's order."""
    granted = staff_purposes(staff)
    return [d for d in Department.values if DEPARTMENT_PURPOSE[d] in granted]


def require_departments(staff: User) -> list[str]:
    """The staff member's departments; PermissionDenied, saying why, when there are none."""
    departments = departments_for(staff)
    if departments:
        return departments
    roles = ", ".join(sorted(actor_roles(staff))) or "no staff role"
    needed = ", ".join(sorted({f"“{Purpose(p).label}”" for p in DEPARTMENT_PURPOSE.values()}))
    raise PermissionDenied(
        f"Your role ({roles}) is granted none of the purposes tickets are read for ({needed}) "
        "in the policy profile, so no department's tickets are open to you. Ask an "
        "administrator if your work requires it."
    )


def may_read(staff: User, ticket: Ticket) -> bool:
    return ticket.department in departments_for(staff)


def staff_ticket(staff: User, number: str) -> Ticket:
    """Ticket ``number`` if it is in one of the staff member's departments; 404 otherwise."""
    ticket = (
        Ticket.objects.select_related("customer", "correspondent", "assigned_to", "service")
        .filter(number=number, department__in=departments_for(staff))
        .first()
    )
    if ticket is None:
        raise Http404("No such ticket in your departments.")
    return ticket


# -- the queue --------------------------------------------------------------------------------

NOT_CLOSED = ""
ALL = "all"
MINE, NOBODY = "me", "nobody"


@dataclass(frozen=True)
class QueueFilter:
    status: str = NOT_CLOSED  # a TicketStatus, NOT_CLOSED or ALL
    priority: str = ""
    department: str = ""  # one of the staff member's departments; "" for all of them
    assigned: str = ""  # MINE, NOBODY or "" for anyone


def queue(staff: User, chosen: QueueFilter) -> QuerySet[Ticket]:
    """The staff member's departments' tickets as filtered: first those waiting for staff
    (unanswered first, soonest due first), then the rest, the last changed first."""
    departments = require_departments(staff)
    if chosen.department:
        departments = [d for d in departments if d == chosen.department]
    rows = Ticket.objects.filter(department__in=departments)
    rows = _by_status(rows, chosen.status)
    if chosen.priority:
        rows = rows.filter(priority=chosen.priority)
    if chosen.assigned == MINE:
        rows = rows.filter(assigned_to=staff)
    elif chosen.assigned == NOBODY:
        rows = rows.filter(assigned_to__isnull=True)
    return _ordered(rows).select_related("customer", "assigned_to")


def _by_status(rows: QuerySet[Ticket], status: str) -> QuerySet[Ticket]:
    if status == ALL:
        return rows
    if status == NOT_CLOSED:
        return rows.exclude(status=TicketStatus.CLOSED)
    return rows.filter(status=status)


def _ordered(rows: QuerySet[Ticket]) -> QuerySet[Ticket]:
    waiting = Q(status=TicketStatus.OPEN)
    rank = Case(
        When(waiting & Q(first_responded_at__isnull=True), then=Value(0)),
        When(waiting, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    due = Case(When(waiting, then=F("first_response_due")), output_field=DateTimeField())
    return rows.annotate(rank=rank, due=due).order_by("rank", "due", "-updated_at", "number")


# -- the service-level clock ------------------------------------------------------------------

DUE, OVERDUE, ANSWERED, UNANSWERED = "due", "overdue", "answered", "closed_unanswered"
SLA_LABELS = {
    DUE: "Due",
    OVERDUE: "Overdue",
    ANSWERED: "Answered",
    UNANSWERED: "Closed without an answer",
}


def sla_state(ticket: Ticket, now: datetime.datetime) -> str:
    """Where the first-response clock stands: due, overdue, answered (or closed unanswered)."""
    if ticket.first_responded_at is not None:
        return ANSWERED
    if ticket.is_closed:
        return UNANSWERED
    return OVERDUE if ticket.is_overdue(now) else DUE


# -- who may take a ticket --------------------------------------------------------------------


def assignable_staff(department: str) -> list[User]:
    """The active staff whose roles may read ``department``'s tickets, by username."""
    purpose = DEPARTMENT_PURPOSE[department]
    profile = current_profile()
    roles = [r for r in profile.staff_roles if purpose in profile.purposes_for({r})]
    who = Q(groups__name__in=roles)
    if ADMINISTRATOR in roles:
        who |= Q(is_superuser=True)
    users = User.objects.filter(who, is_staff=True, is_active=True).distinct()
    return list(users.order_by("username"))


# -- the people on a ticket's account ---------------------------------------------------------


@dataclass(frozen=True)
class PersonOnTicket:
    """A person on the ticket's account as the ticket's actions name them: by role only."""

    person: Person
    label: str
    checked: bool  # a passed identity check by this staff member, still valid

    @property
    def has_login(self) -> bool:
        return self.person.user_id is not None

    @property
    def manages_domains(self) -> bool:
        return self.person.may(Permission.DOMAINS)


def people_on_ticket(ticket: Ticket, staff: User) -> list[PersonOnTicket]:
    """The account's people, owner first, each with whether ``staff`` checked their identity."""
    if ticket.customer_id is None:
        return []
    people = list(
        Person.objects.filter(customer_id=ticket.customer_id).order_by("-role", "created_at")
    )
    checks = passed_checks(staff=staff, people=people)
    return [
        PersonOnTicket(p, person_label(p, position), p.pk in checks)
        for position, p in enumerate(people)
    ]


def person_label(person: Person, position: int) -> str:
    """As the customer record names them (no personal data): the owner, or by position."""
    return "Account owner" if person.is_owner else f"Authorised user {position}"
