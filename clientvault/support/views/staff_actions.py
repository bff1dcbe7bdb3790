"""The buttons a ticket on an account shows for each person on it: the account's existing
flows, entered from the ticket (``services.actions``).

Each button posts here; the action is recorded on the ticket (history, internal note, audit),
then: a password reset link goes to the e-mail address on record (CTL-2) and a data request is
passed to the privacy team, both answered on the ticket's page; an identity check (CTL-6), a
change of details (CTL-6) and a change of a domain contact (CTL-3) go on in their own pages,
with the channel the staff member works on set to "support ticket", as the channel switch of
the customer record would set it (a posted form, never a link).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from clientvault.accounts.models import Channel, Person
from clientvault.accounts.views.staff import CHANNEL_KEY, REASON_KEY, staff_page, staff_user
from clientvault.support import backoffice
from clientvault.support.forms.staff import ActionForm
from clientvault.support.hooks import TakenRequest
from clientvault.support.models import Ticket
from clientvault.support.services.actions import STARTED_ELSEWHERE, TicketAction, act_from_ticket


def _back(ticket: Ticket) -> HttpResponse:
    return redirect("support:staff_ticket", number=ticket.number)


@require_POST
@staff_page()
def ticket_action(request: HttpRequest, number: str) -> HttpResponse:
    staff = staff_user(request)
    ticket = backoffice.staff_ticket(staff, number)
    form = ActionForm(request.POST)
    person = _person(ticket, form)
    if person is None:
        messages.error(request, "Choose an action for one of the account's people.")
        return _back(ticket)
    action = TicketAction(form.cleaned_data["action"])
    try:
        taken = act_from_ticket(ticket=ticket, person=person, action=action, staff=staff)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(ticket)
    if action in STARTED_ELSEWHERE:
        request.session[CHANNEL_KEY] = Channel.TICKET.value
        request.session[REASON_KEY] = ""
        return _onwards(request, ticket, person, action)
    messages.success(request, _done(ticket, action, taken))
    return _back(ticket)


def _person(ticket: Ticket, form: ActionForm) -> Person | None:
    if not form.is_valid() or ticket.customer_id is None:
        return None
    people = Person.objects.select_related("customer")
    return people.filter(pk=form.cleaned_data["person"], customer_id=ticket.customer_id).first()


def _onwards(
    request: HttpRequest, ticket: Ticket, person: Person, action: TicketAction
) -> HttpResponse:
    """The flow's own page, working on the ticket."""
    if action == TicketAction.IDENTITY_CHECK:
        return redirect("accounts:staff_identity_check", pk=person.pk)
    if action == TicketAction.DETAILS_CHANGE:
        return redirect("accounts:staff_intake_update", pk=person.pk)
    messages.info(
        request,
        f"Open the domain, check the caller's identity if asked, then change its contact; give "
        f"{ticket.number} as the ticket reference.",
    )
    return redirect("hosting:staff_customer", number=person.customer.number)


def _done(ticket: Ticket, action: TicketAction, taken: TakenRequest | None) -> str:
    if action == TicketAction.PASSWORD_RESET:
        return (
            "A password reset link was sent to the e-mail address on record (never to another "
            "address); the ticket's notes say so."
        )
    what = "a copy of the data" if action == TicketAction.RIGHTS_ACCESS else "an erasure"
    reference = taken.reference if taken else ""
    return (
        f"Request {reference} for {what} was recorded for the privacy team; its deadline runs "
        "from today, and the person is told by e-mail."
    )
