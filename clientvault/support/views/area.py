"""The customer area's support tickets: the list, a new ticket, one ticket with its replies.

Every page needs the support permission (the owner has it; an authorised user without it gets
403), and every ticket is found by its number through the signed-in person's own account, so
another account's answers 404. The texts are read through ``reveal`` (each read audited). A
message that held a secret is stored without it, and the page says what was removed and why.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clientvault.accounts.access import person_required
from clientvault.accounts.forms_common import add_service_errors
from clientvault.accounts.models import Permission, Person
from clientvault.accounts.views.area import acting_user
from clientvault.billing.middleware import redacts_secrets
from clientvault.hosting.queries import services_of
from clientvault.privacy.taxonomy import Purpose
from clientvault.support import queries
from clientvault.support.forms.area import NewTicketForm, RatingForm, ReplyForm
from clientvault.support.forms.fields import hide_secrets, uploads
from clientvault.support.models import Attachment, Visibility
from clientvault.support.services.tickets import (
    Posted,
    close_ticket,
    open_ticket,
    rate_ticket,
    reply_as_customer,
)
from clientvault.support.views.files import download

SUPPORT = Permission.SUPPORT


def _told(request: HttpRequest, posted: Posted, done: str) -> None:
    messages.success(request, done)
    if posted.explanation:
        messages.warning(request, posted.explanation)


@require_safe
@person_required(SUPPORT)
def ticket_list(request: HttpRequest, person: Person) -> HttpResponse:
    page = Paginator(queries.tickets_of(person), queries.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    actor = acting_user(request)
    context = {"person": person, "page": page, "titles": queries.titles(page, actor=actor)}
    return render(request, "support/area/tickets.html", context)


@redacts_secrets
@require_http_methods(["GET", "POST"])
@person_required(SUPPORT)
def ticket_new(request: HttpRequest, person: Person) -> HttpResponse:
    services = list(services_of(person.customer_id).select_related("plan"))
    posted_data = (request.POST, request.FILES) if request.method == "POST" else ()
    form = NewTicketForm(*posted_data, services=services)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            posted = open_ticket(
                person=person,
                title=data["title"],
                body=data["body"],
                department=data["department"],
                priority=data["priority"],
                service=form.chosen_service,
                files=uploads(data["attachments"]),
                actor=acting_user(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _told(
                request,
                posted,
                f"Ticket {posted.ticket.number} is open: we will answer here and by e-mail.",
            )
            return redirect("support:ticket", number=posted.ticket.number)
    hide_secrets(form, ("title", "body"))  # a form sent back never echoes a secret
    return render(request, "support/area/ticket_new.html", {"person": person, "form": form})


def _ticket_page(
    request: HttpRequest, person: Person, number: str, form: ReplyForm
) -> HttpResponse:
    ticket = queries.own_ticket(person, number)
    actor = acting_user(request)
    hide_secrets(form, ("body",))  # a reply sent back with its errors never echoes a secret
    context = {
        "person": person,
        "ticket": ticket,
        "title": queries.read_title(ticket, actor=actor),
        "thread": queries.read_messages(
            ticket, actor=actor, purpose=Purpose.SUPPORT, internal=False
        ),
        "form": form,
        "rating_form": RatingForm(initial={"rating": ticket.rating}),
    }
    return render(request, "support/area/ticket.html", context)


@require_safe
@person_required(SUPPORT)
def ticket_detail(request: HttpRequest, person: Person, number: str) -> HttpResponse:
    return _ticket_page(request, person, number, ReplyForm())


@redacts_secrets
@require_POST
@person_required(SUPPORT)
def ticket_reply(request: HttpRequest, person: Person, number: str) -> HttpResponse:
    ticket = queries.own_ticket(person, number)
    if ticket.is_closed:
        messages.error(request, f"Ticket {ticket.number} is closed and takes no more replies.")
        return redirect("support:ticket", number=ticket.number)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            posted = reply_as_customer(
                ticket=ticket,
                person=person,
                body=form.cleaned_data["body"],
                files=uploads(form.cleaned_data["attachments"]),
                actor=acting_user(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _told(request, posted, "Your reply was sent.")
            return redirect("support:ticket", number=ticket.number)
    return _ticket_page(request, person, number, form)


@require_POST
@person_required(SUPPORT)
def ticket_close(request: HttpRequest, person: Person, number: str) -> HttpResponse:
    ticket = queries.own_ticket(person, number)
    if ticket.is_closed:
        messages.info(request, f"Ticket {ticket.number} was already closed.")
    else:
        close_ticket(ticket=ticket, actor=acting_user(request))
        messages.success(request, f"Ticket {ticket.number} is closed. Tell us how well we helped.")
    return redirect("support:ticket", number=ticket.number)


@require_POST
@person_required(SUPPORT)
def ticket_rate(request: HttpRequest, person: Person, number: str) -> HttpResponse:
    ticket = queries.own_ticket(person, number)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Rating: choose one from 1 to 5.")
        return redirect("support:ticket", number=ticket.number)
    try:
        rate_ticket(ticket=ticket, rating=form.cleaned_data["rating"], actor=acting_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Thank you for rating our help.")
    return redirect("support:ticket", number=ticket.number)


@require_safe
@person_required(SUPPORT)
def attachment(request: HttpRequest, person: Person, number: str, pk: str) -> HttpResponse:
    """A file of one of the account's tickets (never of a staff note), read through reveal."""
    ticket = queries.own_ticket(person, number)
    found = get_object_or_404(
        Attachment.objects.select_related("message"),
        pk=pk,
        message__ticket=ticket,
        message__internal=False,
        message__visibility__in=(Visibility.VISIBLE, Visibility.HIDDEN),
    )
    return download(found, acting_user(request), Purpose.SUPPORT)
