"""What staff change on a ticket: a reply or an internal note, its status, priority,
department and assignee. Each is a POST from the ticket's page, answered with a redirect to
it (or, for a reply with a mistake, the page again with the form's errors).

A reply takes free text: its view lets card numbers through the billing middleware
(``redacts_secrets``) so that the service removes them before anything is stored or mailed,
and the page says what was removed.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from clientvault.accounts.forms_common import add_service_errors
from clientvault.accounts.views.staff import staff_page, staff_user
from clientvault.billing.middleware import redacts_secrets
from clientvault.support import backoffice
from clientvault.support.forms.fields import uploads
from clientvault.support.forms.staff import (
    AssignForm,
    DepartmentForm,
    PriorityForm,
    ReplyForm,
    StatusForm,
)
from clientvault.support.models import Department, Priority, Ticket, TicketStatus
from clientvault.support.services.tickets import (
    assign_ticket,
    change_status,
    move_department,
    reply_as_staff,
    set_priority,
)
from clientvault.support.views.staff import ticket_page, told


def _back(ticket: Ticket) -> HttpResponse:
    return redirect("support:staff_ticket", number=ticket.number)


def _problems(request: HttpRequest, form: Form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


@redacts_secrets
@require_POST
@staff_page()
def ticket_reply(request: HttpRequest, number: str) -> HttpResponse:
    staff = staff_user(request)
    ticket = backoffice.staff_ticket(staff, number)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return ticket_page(request, staff, ticket, reply_form=form)
    try:
        posted = reply_as_staff(
            ticket=ticket,
            staff=staff,
            body=form.cleaned_data["body"],
            files=uploads(form.cleaned_data["attachments"]),
            internal=form.internal,
            status=form.cleaned_data["status"],
        )
    except ValidationError as error:
        if ticket.is_closed:  # nothing to show the form for: say why on the ticket
            messages.error(request, " ".join(error.messages))
            return _back(ticket)
        add_service_errors(form, error)
        return ticket_page(request, staff, ticket, reply_form=form)
    done = "Your internal note was added." if form.internal else _replied(posted.ticket)
    told(request, posted, done)
    return _back(ticket)


def _replied(ticket: Ticket) -> str:
    status = TicketStatus(ticket.status).label.lower()
    return f"Your reply was sent to the customer; the ticket is now {status}."


@require_POST
@staff_page()
def ticket_status(request: HttpRequest, number: str) -> HttpResponse:
    staff = staff_user(request)
    ticket = backoffice.staff_ticket(staff, number)
    form = StatusForm(request.POST, current=ticket.status)
    if not form.is_valid():
        _problems(request, form)
        return _back(ticket)
    try:
        ticket = change_status(ticket=ticket, status=form.cleaned_data["status"], actor=staff)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        label = TicketStatus(ticket.status).label.lower()
        messages.success(request, f"Ticket {ticket.number} is now {label}.")
    return _back(ticket)


@require_POST
@staff_page()
def ticket_priority(request: HttpRequest, number: str) -> HttpResponse:
    staff = staff_user(request)
    ticket = backoffice.staff_ticket(staff, number)
    form = PriorityForm(request.POST)
    if not form.is_valid():
        _problems(request, form)
        return _back(ticket)
    ticket = set_priority(ticket=ticket, priority=form.cleaned_data["priority"], actor=staff)
    due = date_format(timezone.localtime(ticket.first_response_due), "j M Y H:i")
    label = Priority(ticket.priority).label.lower()
    messages.success(request, f"The priority is now {label}; a first answer is due by {due}.")
    return _back(ticket)


@require_POST
@staff_page()
def ticket_department(request: HttpRequest, number: str) -> HttpResponse:
    """Move the ticket; when the staff member's role does not read the new department, the
    ticket leaves their sight, and they are taken back to their queue."""
    staff = staff_user(request)
    ticket = backoffice.staff_ticket(staff, number)
    form = DepartmentForm(request.POST)
    if not form.is_valid():
        _problems(request, form)
        return _back(ticket)
    ticket = move_department(ticket=ticket, department=form.cleaned_data["department"], actor=staff)
    label = Department(ticket.department).label
    if backoffice.may_read(staff, ticket):
        messages.success(request, f"Ticket {ticket.number} is now in {label}; nobody has it.")
        return _back(ticket)
    messages.success(
        request,
        f"Ticket {ticket.number} moved to {label}. Your role does not read that department's "
        "tickets, so it left your queue.",
    )
    return redirect("support:staff_queue")


@require_POST
@staff_page()
def ticket_assign(request: HttpRequest, number: str) -> HttpResponse:
    staff = staff_user(request)
    ticket = backoffice.staff_ticket(staff, number)
    team = backoffice.assignable_staff(ticket.department)
    form = AssignForm(request.POST, staff=team, me=staff)
    if not form.is_valid():
        _problems(request, form)
        return _back(ticket)
    assignee = form.chosen()
    try:
        assign_ticket(ticket=ticket, assignee=assignee, actor=staff)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(ticket)
    if assignee is None:
        messages.success(request, f"Nobody has ticket {ticket.number} now.")
    else:
        who = "you" if assignee.pk == staff.pk else assignee.username
        messages.success(request, f"Ticket {ticket.number} is assigned to {who}.")
    return _back(ticket)
