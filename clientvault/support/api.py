"""``/api/v1/support``: the account's support tickets, for a token with the support permission.

Each operation declares the ``support`` permission (``x-clientvault-permission``): an
authorised user without it gets 403, a staff token 404. A ticket is found by its number through
the token's own account, so another account's answers 404 like one that does not exist. Texts
are read through ``reveal`` as the token's user (support.schemas), staff notes never.

Secrets are not refused here but removed: the path is registered with billing's card-number
check as one that redacts (support.apps), so a card number reaches the ticket services, whose
redactor replaces it before anything is stored; the answer says what was removed. A refusal is
a 422 naming the field (``service`` for a service not on the account); a conflict with the
ticket's state (a reply to a closed ticket, a rating of an open one) a 409 saying what to do.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from clientvault.accounts.api import PageOf25, api_person, needs, request_user
from clientvault.accounts.models import Permission, Person
from clientvault.accounts.schemas import Error, ValidationErrors
from clientvault.hosting.models import Service
from clientvault.support.errors import error_codes
from clientvault.support.models import Ticket, TicketChannel
from clientvault.support.queries import own_ticket, tickets_of
from clientvault.support.schemas import (
    PostedOut,
    RatingIn,
    ReplyIn,
    TicketDetailOut,
    TicketIn,
    TicketOut,
)
from clientvault.support.services.tickets import (
    Posted,
    close_ticket,
    open_ticket,
    rate_ticket,
    reply_as_customer,
)

support_router = Router(tags=["support"])
SUPPORT = needs(Permission.SUPPORT)
CONFLICT = 409
CONFLICT_CODES = frozenset({"closed", "conflict"})
READ: dict[int, Any] = {403: Error, 404: Error, 422: ValidationErrors}
CHANGE: dict[int, Any] = {**READ, CONFLICT: Error}


@contextmanager
def conflicts() -> Iterator[None]:
    """A refusal because of the ticket's state answers 409 with its message; others 422."""
    try:
        yield
    except ValidationError as error:
        if error_codes(error) & CONFLICT_CODES:
            raise HttpError(CONFLICT, " ".join(error.messages)) from None
        raise


def _person(request: HttpRequest) -> Person:
    return api_person(request, Permission.SUPPORT)


def _ticket(request: HttpRequest, number: str) -> Ticket:
    return own_ticket(_person(request), number)


def _service(person: Person, reference: str | None) -> Service | None:
    if not reference:
        return None
    found = Service.objects.filter(customer_id=person.customer_id, reference=reference).first()
    if found is None:
        message = "There is no service with this reference on your account (see /hosting/services)."
        raise ValidationError({"service": [message]})
    return found


def _posted(posted: Posted) -> dict[str, Any]:
    """A PostedOut to validate (with the request, which its texts are revealed for)."""
    ticket = Ticket.objects.select_related("service").get(pk=posted.ticket.pk)
    return {"ticket": ticket, "removed": posted.removed, "notice": posted.explanation}


def _links(*operation_ids: str) -> dict[str, Any]:
    """OpenAPI links from the list's first ticket to the operations taking its number."""
    links = {
        operation_id: {
            "operationId": operation_id,
            "parameters": {"number": "$response.body#/items/0/number"},
        }
        for operation_id in operation_ids
    }
    return {"responses": {200: {"links": links}}}


@support_router.get(
    "/support/tickets",
    response={200: list[TicketOut], **READ},
    summary="Your account's support tickets",
    description="Most recently updated first.",
    operation_id="list_tickets",
    openapi_extra={
        **SUPPORT,
        **_links("get_ticket", "reply_to_ticket", "close_ticket", "rate_ticket"),
    },
)
@paginate(PageOf25)
def list_tickets(request: HttpRequest) -> QuerySet[Ticket]:
    return tickets_of(_person(request)).select_related("service")


@support_router.get(
    "/support/tickets/{number}",
    response={200: TicketDetailOut, **READ},
    summary="One of your tickets, with its messages",
    operation_id="get_ticket",
    openapi_extra=SUPPORT,
)
def get_ticket(request: HttpRequest, number: str) -> Ticket:
    return _ticket(request, number)


@support_router.post(
    "/support/tickets",
    response={201: PostedOut, **READ},
    summary="Open a ticket",
    description="Card numbers, security codes, IBANs, passwords and keys in the title or the "
    "message are removed before it is stored: removed and notice say what was. 422: an empty "
    "or too long text, or a service that is not on your account (service).",
    operation_id="open_ticket",
    openapi_extra=SUPPORT,
)
def open_(request: HttpRequest, payload: TicketIn) -> Status[dict[str, Any]]:
    person = _person(request)
    posted = open_ticket(
        person=person,
        title=payload.title,
        body=payload.body,
        department=payload.department,
        priority=payload.priority,
        service=_service(person, payload.service),
        channel=TicketChannel.API,
        actor=request_user(request),
    )
    return Status(201, _posted(posted))


@support_router.post(
    "/support/tickets/{number}/replies",
    response={201: PostedOut, **CHANGE},
    summary="Reply to one of your tickets",
    description="Secrets are removed as when opening a ticket. 409: the ticket is closed; open "
    "a new one.",
    operation_id="reply_to_ticket",
    openapi_extra=SUPPORT,
)
def reply(request: HttpRequest, number: str, payload: ReplyIn) -> Status[dict[str, Any]]:
    ticket = _ticket(request, number)
    with conflicts():
        posted = reply_as_customer(
            ticket=ticket,
            person=_person(request),
            body=payload.body,
            channel=TicketChannel.API,
            actor=request_user(request),
        )
    return Status(201, _posted(posted))


@support_router.post(
    "/support/tickets/{number}/close",
    response={200: TicketDetailOut, **CHANGE},
    summary="Close one of your tickets",
    description="A closed ticket takes no more replies. Closing a closed ticket changes nothing.",
    operation_id="close_ticket",
    openapi_extra=SUPPORT,
)
def close(request: HttpRequest, number: str) -> Ticket:
    ticket = _ticket(request, number)
    with conflicts():
        return close_ticket(ticket=ticket, actor=request_user(request))


@support_router.put(
    "/support/tickets/{number}/rating",
    response={200: TicketDetailOut, **CHANGE},
    summary="Rate how one of your closed tickets was handled",
    description="409: the ticket is not closed yet. A rating can be changed.",
    operation_id="rate_ticket",
    openapi_extra=SUPPORT,
)
def rate(request: HttpRequest, number: str, payload: RatingIn) -> Ticket:
    ticket = _ticket(request, number)
    with conflicts():
        return rate_ticket(ticket=ticket, rating=payload.rating, actor=request_user(request))
