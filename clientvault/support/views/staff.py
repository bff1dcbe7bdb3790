"""The back office's tickets under /staff/support: the queue, one ticket, its files, and a
ticket opened on an account.

Every page is behind ``staff_page`` (staff, second factor passed); a role that reads no
department's tickets gets the refusal page saying why, and a ticket of a department the role
does not read is not found (``backoffice``). Reading a ticket is access-logged once per view
(``record_access``, ``support.ticket``) and each text on it (the title, every message and note,
every file's name) is read through ``reveal`` with its department's purpose, each read audited.

The queue lists no titles: a list of twenty tickets would put twenty customers' messages in
front of whoever glances at it. It shows what staff choose a ticket by (its number, the
account, department, priority, status, first-answer clock, assignee, last change); the title
is read on the ticket's own page, by whoever works on it. Changes and replies:
``views.staff_changes``; the actions a ticket leads to: ``views.staff_actions``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from clientvault.accounts.forms_common import add_service_errors
from clientvault.accounts.models import Customer, Person, User
from clientvault.accounts.services.staff import actor_names, staff_purposes
from clientvault.accounts.views.staff import staff_page, staff_user
from clientvault.billing.middleware import redacts_secrets
from clientvault.privacy.reveal import reveal
from clientvault.privacy.services.access import record_access
from clientvault.privacy.taxonomy import Purpose
from clientvault.support import backoffice
from clientvault.support.forms.fields import hide_secrets
from clientvault.support.forms.staff import (
    AssignForm,
    DepartmentForm,
    OpenTicketForm,
    PriorityForm,
    QueueFilterForm,
    ReplyForm,
    StatusForm,
)
from clientvault.support.hooks import request_intake_registered
from clientvault.support.models import (
    Attachment,
    AuthorKind,
    Department,
    Priority,
    Ticket,
    TicketEvent,
    TicketStatus,
    Visibility,
)
from clientvault.support.queries import PAGE_SIZE, ShownMessage, read_messages
from clientvault.support.services.actions import TicketAction
from clientvault.support.services.tickets import Posted, open_ticket_for_customer
from clientvault.support.views.files import download

HISTORY = 50


def told(request: HttpRequest, posted: Posted, done: str) -> None:
    """``done``, and what the redactor removed from what was sent, if anything."""
    messages.success(request, done)
    if posted.explanation:
        messages.warning(request, posted.explanation)


# -- the queue --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    ticket: Ticket
    sla: str

    @property
    def sla_label(self) -> str:
        return backoffice.SLA_LABELS[self.sla]


@require_safe
@staff_page()
def queue(request: HttpRequest) -> HttpResponse:
    staff = staff_user(request)
    departments = backoffice.require_departments(staff)
    form = QueueFilterForm(request.GET or None, departments=departments)
    rows = backoffice.queue(staff, form.chosen())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    context = {
        "form": form,
        "page": page,
        "rows": [QueueRow(t, backoffice.sla_state(t, now)) for t in page],
        "departments": [Department(d).label for d in departments],
        "filtered": bool(request.GET.keys() - {"page"}),
    }
    return render(request, "support/staff/queue.html", context)


# -- one ticket -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownFile:
    attachment: Attachment
    name: str


@dataclass(frozen=True)
class StaffMessage:
    shown: ShownMessage
    author: str
    files: list[ShownFile]

    @property
    def message(self) -> Any:
        return self.shown.message

    @property
    def removed(self) -> str:
        """What the redactor took out of the message and its files ("1 card number")."""
        return self.shown.removed


def _author(shown: ShownMessage, labels: dict[Any, str]) -> str:
    message = shown.message
    if message.author_kind == AuthorKind.STAFF:
        who = message.author_staff.username if message.author_staff else "a former staff member"
        return f"Staff: {who}"
    if message.author_kind == AuthorKind.CORRESPONDENT:
        return "The correspondent (by e-mail)"
    return f"Customer: {labels.get(message.author_person_id, 'a former person on the account')}"


def _thread(ticket: Ticket, staff: User, labels: dict[Any, str]) -> list[StaffMessage]:
    """Every message and note, each read through ``reveal`` (and each file's name)."""
    thread = read_messages(ticket, actor=staff, purpose=ticket.purpose, internal=True)
    return [
        StaffMessage(
            shown,
            _author(shown, labels),
            [ShownFile(f, reveal(f, "filename", ticket.purpose, staff)) for f in shown.files],
        )
        for shown in thread
    ]


def _labels(ticket: Ticket) -> dict[Any, str]:
    """The account's people by role, as the ticket names its authors (no personal data)."""
    if ticket.customer_id is None:
        return {}
    rows = Person.objects.filter(customer_id=ticket.customer_id).order_by("-role", "created_at")
    return {p.pk: backoffice.person_label(p, i) for i, p in enumerate(rows)}


# The labels of the codes a ticket's history keeps, by kind of event.
CODE_LABELS: dict[str, dict[str, str]] = {
    TicketEvent.Kind.OPENED: dict(TicketStatus.choices),
    TicketEvent.Kind.STATUS: dict(TicketStatus.choices),
    TicketEvent.Kind.PRIORITY: dict(Priority.choices),
    TicketEvent.Kind.DEPARTMENT: dict(Department.choices),
    TicketEvent.Kind.ACTION: dict(TicketAction.choices),
}


@dataclass(frozen=True)
class HistoryRow:
    event: TicketEvent
    what: str
    who: str


def _describe(event: TicketEvent, names: dict[str, str]) -> str:
    if event.kind == TicketEvent.Kind.ASSIGNED:
        to = names.get(f"user:{event.new}", "").removeprefix("staff: ") if event.new else ""
        return f"Assigned to {to or 'a staff member'}" if event.new else "Assigned to nobody"
    if event.kind == TicketEvent.Kind.RATED:
        return f"Rated {event.new} out of 5"
    labels = CODE_LABELS.get(event.kind, {})
    change = " → ".join(labels.get(c, c) for c in (event.old, event.new) if c)
    return f"{event.get_kind_display()}: {change}" if change else event.get_kind_display()


def _history(ticket: Ticket) -> list[HistoryRow]:
    events = list(ticket.events.all()[:HISTORY])
    refs = {e.actor_ref for e in events} | {
        f"user:{e.new}" for e in events if e.kind == TicketEvent.Kind.ASSIGNED and e.new
    }
    names = actor_names(refs - {""})
    return [HistoryRow(e, _describe(e, names), names.get(e.actor_ref, "—")) for e in events]


def ticket_page(
    request: HttpRequest, staff: User, ticket: Ticket, *, reply_form: ReplyForm | None = None
) -> HttpResponse:
    """The ticket as this staff member may work on it; the view is access-logged."""
    if reply_form is not None:
        hide_secrets(reply_form, ("body",))  # a reply sent back never echoes a secret
    record_access(
        actor=staff, subject_id=ticket.subject_id, purpose=ticket.purpose, what="support.ticket"
    )
    purposes = staff_purposes(staff)
    labels = _labels(ticket)
    sla = backoffice.sla_state(ticket, timezone.now())
    context = {
        "ticket": ticket,
        "title": reveal(ticket, "title", ticket.purpose, staff),
        "thread": _thread(ticket, staff, labels),
        "history": _history(ticket),
        "sla": sla,
        "sla_label": backoffice.SLA_LABELS[sla],
        "reply_form": reply_form or ReplyForm(),
        "status_form": StatusForm(current=ticket.status, initial={"status": ""}),
        "priority_form": PriorityForm(initial={"priority": ticket.priority}),
        "department_form": DepartmentForm(initial={"department": ticket.department}),
        "assign_form": _assign_form(ticket, staff),
        "people": backoffice.people_on_ticket(ticket, staff) if not ticket.is_closed else [],
        "actions": TicketAction,
        "may_account": Purpose.SUPPORT in purposes,
        "may_domains": Purpose.SERVICE in purposes,
        "may_rights": request_intake_registered(),
        "may_release": Purpose.LEGAL_OBLIGATION in purposes,
    }
    return render(request, "support/staff/ticket.html", context)


def _assign_form(ticket: Ticket, staff: User) -> AssignForm:
    current = str(ticket.assigned_to_id or "")
    team = backoffice.assignable_staff(ticket.department)
    return AssignForm(staff=team, me=staff, initial={"assignee": current})


@require_safe
@staff_page()
def ticket_detail(request: HttpRequest, number: str) -> HttpResponse:
    staff = staff_user(request)
    return ticket_page(request, staff, backoffice.staff_ticket(staff, number))


@require_safe
@staff_page()
def ticket_file(request: HttpRequest, number: str, pk: Any) -> HttpResponse:
    """A file of the ticket (of a message or a note), as a download, read through ``reveal``:
    never shown inline, of the type its content showed, never from a public address."""
    staff = staff_user(request)
    ticket = backoffice.staff_ticket(staff, number)
    found = get_object_or_404(
        Attachment.objects.exclude(message__visibility=Visibility.DELETED),
        pk=pk,
        message__ticket=ticket,
    )
    return download(found, staff, ticket.purpose)


# -- a ticket opened by staff on an account ---------------------------------------------------


@redacts_secrets
@require_http_methods(["GET", "POST"])
@staff_page(purpose=Purpose.SUPPORT)
def open_ticket(request: HttpRequest, number: str) -> HttpResponse:
    """From the customer record: a ticket in one of the staff member's departments."""
    account = get_object_or_404(Customer, number=number)
    staff = staff_user(request)
    form = OpenTicketForm(request.POST or None, departments=backoffice.require_departments(staff))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            posted = open_ticket_for_customer(
                customer=account,
                title=data["title"],
                body=data["body"],
                department=data["department"],
                priority=data["priority"],
                staff=staff,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            told(request, posted, f"Ticket {posted.ticket.number} is open on the account.")
            return redirect("support:staff_ticket", number=posted.ticket.number)
    hide_secrets(form, ("title", "body"))
    return render(request, "support/staff/open.html", {"customer": account, "form": form})
