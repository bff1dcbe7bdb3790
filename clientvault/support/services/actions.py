"""What staff do for a customer from a ticket: the account's existing flows, entered from it.

A ticket on an account may lead to an identity check (CTL-6), a password reset link sent to
the e-mail on record only (CTL-2), a change of the caller's details (CTL-6, after the check), a
change of a domain contact (CTL-3, after the check) or a data request (a copy, an erasure),
passed to the rights app through :mod:`clientvault.support.hooks`. Each is recorded on the
ticket, in one transaction with what it does: a history event (``action`` with the action's
code), an internal note naming the action and whom it concerns by role (no personal data),
and an audit event for the person concerned. A closed ticket takes no more actions.
"""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone

from clientvault.accounts.models import Person, User
from clientvault.accounts.services.staff import require_purpose, reset_password_by_ticket
from clientvault.privacy.actors import actor_ref
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.taxonomy import Purpose
from clientvault.support.errors import refuse
from clientvault.support.hooks import RightsKind, TakenRequest, take_rights_request
from clientvault.support.models import Ticket, TicketEvent
from clientvault.support.services.tickets import lock_ticket, reply_as_staff


class TicketAction(models.TextChoices):
    """The actions a ticket leads to; the value is the code kept in the ticket's history."""

    IDENTITY_CHECK = "identity_check", "Identity check started"
    PASSWORD_RESET = "password_reset", "Password reset link sent to the e-mail address on record"
    DETAILS_CHANGE = "details_change", "Change of details started"
    DOMAIN_CONTACT = "domain_contact", "Change of a domain contact started"
    RIGHTS_ACCESS = "rights_access", "Request for a copy of the data recorded"
    RIGHTS_ERASURE = "rights_erasure", "Request to erase the data recorded"


# The purpose each action's flow needs, besides reading the ticket (None: reading it is enough).
ACTION_PURPOSE: dict[str, str | None] = {
    TicketAction.IDENTITY_CHECK: Purpose.SUPPORT,
    TicketAction.PASSWORD_RESET: Purpose.SUPPORT,
    TicketAction.DETAILS_CHANGE: Purpose.SUPPORT,
    TicketAction.DOMAIN_CONTACT: Purpose.SERVICE,
    TicketAction.RIGHTS_ACCESS: None,
    TicketAction.RIGHTS_ERASURE: None,
}
RIGHTS_ACTIONS = {
    TicketAction.RIGHTS_ACCESS: RightsKind.ACCESS,
    TicketAction.RIGHTS_ERASURE: RightsKind.ERASURE,
}
# Actions that only lead to another page's flow (the flow itself is recorded there).
STARTED_ELSEWHERE = frozenset(
    {TicketAction.IDENTITY_CHECK, TicketAction.DETAILS_CHANGE, TicketAction.DOMAIN_CONTACT}
)


def _check(ticket: Ticket, person: Person, action: str, staff: User) -> None:
    """Refuse an unknown action, a closed ticket, a person of another account or a role
    without the purposes the ticket and the action's flow need."""
    if action not in TicketAction.values:
        raise refuse("action", "Choose one of the ticket's actions.", "invalid_choice")
    if ticket.is_closed:
        raise refuse(
            "action",
            f"Ticket {ticket.number} is closed: it takes no more actions. Open a new ticket "
            "on the account for a new request.",
            "closed",
        )
    if ticket.customer_id is None or person.customer_id != ticket.customer_id:
        raise refuse("person", "That person is not on this ticket's account.", "not_found")
    require_purpose(staff=staff, purpose=ticket.purpose)
    needed = ACTION_PURPOSE[action]
    if needed is not None:
        require_purpose(staff=staff, purpose=needed)


def _whom(person: Person) -> str:
    return "the account owner" if person.is_owner else "an authorised user of the account"


def _record(ticket: Ticket, person: Person, action: str, staff: User, reference: str) -> None:
    """The action's history event, internal note and audit event, in the caller's transaction."""
    label = TicketAction(action).label
    suffix = f" (request {reference})" if reference else ""
    reply_as_staff(
        ticket=ticket,
        staff=staff,
        body=f"Action from this ticket: {label.lower()}, for {_whom(person)}{suffix}.",
        internal=True,
    )
    TicketEvent.objects.create(
        ticket=ticket,
        kind=TicketEvent.Kind.ACTION,
        new=action,
        actor_ref=actor_ref(staff),
        at=timezone.now(),
    )
    record_event(
        action="support.ticket_action",
        actor=staff,
        subject_id=person.subject_id,
        purpose=ticket.purpose,
        obj=ticket,
        details={"ticket": ticket.number, "action": action},
    )


def act_from_ticket(
    *, ticket: Ticket, person: Person, action: str, staff: User
) -> TakenRequest | None:
    """Take ``action`` for ``person`` from ``ticket`` and record it there.

    A password reset sends its link (to the e-mail on record only); a data request is passed
    to the rights app (its reference is returned); the other actions are recorded as started,
    the staff member's next page being their flow.
    """
    _check(ticket, person, action, staff)
    taken: TakenRequest | None = None
    with transaction.atomic():
        ticket = lock_ticket(ticket)
        if ticket.is_closed:  # closed meanwhile
            _check(ticket, person, action, staff)
        if action == TicketAction.PASSWORD_RESET:
            reset_password_by_ticket(staff=staff, person=person)
        elif action in RIGHTS_ACTIONS:
            taken = take_rights_request(
                subject_id=person.subject_id,
                kind=RIGHTS_ACTIONS[TicketAction(action)],
                ticket=ticket.number,
                actor=staff,
            )
        _record(ticket, person, action, staff, taken.reference if taken else "")
    return taken
