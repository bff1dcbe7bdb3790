# ruff: noqa: F811  (pytest fixtures imported from personas)
"""The support API (/api/v1/support): a token with the support permission lists, reads, opens,
answers, closes and rates the account's tickets; card numbers are removed, not refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from clientvault.accounts.models import Permission
from clientvault.accounts.services import create_api_token
from clientvault.privacy.actors import SYSTEM
from clientvault.support.models import Ticket, TicketChannel, TicketStatus
from clientvault.support.services.tickets import close_ticket, reply_as_staff
from tests.accounts.personas import add_authorised_user, customer, make_staff, outsider  # noqa: F401
from tests.hosting.rows import a_service
from tests.support.mail import CARD, CARD_DIGITS, opened, stored_texts
from tests.support.rows import a_ticket

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
TICKETS = "/api/v1/support/tickets"
OPENING = {"title": "Slow site", "body": "It is slow.\nSince Monday.", "department": "support"}


def api(person) -> Client:
    raw = create_api_token(user=person.user, name="tests")[1]
    return Client(headers={"Authorization": f"Bearer {raw}"})


def post(client: Client, url: str, body: dict[str, Any], method: str = "post") -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def fields(response) -> list[str | None]:
    return [problem["field"] for problem in response.json()["detail"]]


def test_it_lists_the_accounts_tickets_a_page_at_a_time(customer):
    ticket = a_ticket(customer)
    response = api(customer).get(TICKETS)
    assert response.status_code == 200
    page = response.json()
    assert (page["count"], page["page"], page["page_size"]) == (1, 1, 25)
    [item] = page["items"]
    assert (item["number"], item["title"], item["status"]) == (
        ticket.number,
        "My site is slow",
        "open",
    )


def test_it_shows_a_ticket_with_its_messages_but_no_staff_note(customer):
    ticket = a_ticket(customer)
    staff = make_staff("support")
    reply_as_staff(ticket=ticket, staff=staff, body="Checked the logs.", internal=True)
    reply_as_staff(ticket=ticket, staff=staff, body="Your cache was full.")
    shown = api(customer).get(f"{TICKETS}/{ticket.number}").json()
    assert [(m["author"], m["body"]) for m in shown["messages"]] == [
        ("customer", "Pages take ten seconds to load."),
        ("staff", "Your cache was full."),
    ]
    assert shown["status"] == "answered"


def test_it_opens_a_ticket_on_the_account_by_api(customer):
    response = post(api(customer), TICKETS, {**OPENING, "priority": "high"})
    assert response.status_code == 201
    answer = response.json()
    assert (answer["removed"], answer["notice"]) == ({}, "")
    ticket = Ticket.objects.get(number=answer["ticket"]["number"])
    assert (ticket.customer, ticket.opened_by, ticket.channel) == (
        customer.customer,
        customer,
        TicketChannel.API,
    )
    assert answer["ticket"]["messages"][0]["body"] == "It is slow.\nSince Monday."


def test_a_card_number_is_removed_and_the_caller_told(customer):
    body = {**OPENING, "title": f"Card {CARD}", "body": f"Charge {CARD} again please."}
    response = post(api(customer), TICKETS, body)
    assert response.status_code == 201
    answer = response.json()
    assert answer["removed"] == {"card": 2}
    assert "card number" in answer["notice"]
    assert answer["ticket"]["messages"][0]["body"] == "Charge [card number removed] again please."
    texts = "\n".join(stored_texts()).replace(" ", "")
    assert CARD_DIGITS not in texts


def test_a_card_number_in_a_reply_is_removed(customer):
    ticket = a_ticket(customer)
    response = post(api(customer), f"{TICKETS}/{ticket.number}/replies", {"body": f"PAN {CARD}"})
    assert response.status_code == 201
    assert response.json()["removed"] == {"card": 1}
    assert opened(ticket.messages.last(), "body") == "PAN [card number removed]"


def test_a_service_of_the_account_is_named_on_the_ticket(customer):
    service = a_service(customer)
    response = post(api(customer), TICKETS, {**OPENING, "service": service.reference})
    assert response.status_code == 201
    assert response.json()["ticket"]["service"] == service.reference


def test_a_service_of_another_account_is_refused_naming_service(customer, outsider):
    foreign = a_service(outsider)
    response = post(api(customer), TICKETS, {**OPENING, "service": foreign.reference})
    assert response.status_code == 422
    assert fields(response) == ["service"]
    assert not Ticket.objects.filter(customer=customer.customer).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"body": "   "}, "body"),
        ({"title": "two\nlines"}, "title"),
        ({"department": "sales"}, "department"),
        ({"body": "x" * 20_001}, "body"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_refused_naming_the_field(customer, change, field):
    response = post(api(customer), TICKETS, {**OPENING, **change})
    assert response.status_code == 422
    assert fields(response) == [field]
    assert not Ticket.objects.exists()


def test_an_outsider_gets_404_for_the_accounts_tickets(customer, outsider):
    ticket = a_ticket(customer)
    client = api(outsider)
    base = f"{TICKETS}/{ticket.number}"
    assert client.get(base).status_code == 404
    assert post(client, f"{base}/replies", {"body": "Hi"}).status_code == 404
    assert post(client, f"{base}/close", {}).status_code == 404
    assert post(client, f"{base}/rating", {"rating": 5}, method="put").status_code == 404
    assert client.get(TICKETS).json()["count"] == 0
    assert ticket.messages.count() == 1


def test_a_user_without_the_support_permission_gets_403(customer):
    a_ticket(customer)
    billing = add_authorised_user(
        customer, username="bill", email="bill@example.com", permissions=[Permission.BILLING]
    )
    response = api(billing).get(TICKETS)
    assert response.status_code == 403
    assert "support permission" in response.json()["detail"]
    assert post(api(billing), TICKETS, OPENING).status_code == 403


def test_a_reply_to_a_closed_ticket_is_refused_with_409(customer):
    ticket = a_ticket(customer)
    close_ticket(ticket=ticket, actor=SYSTEM)
    response = post(api(customer), f"{TICKETS}/{ticket.number}/replies", {"body": "One more"})
    assert response.status_code == 409
    assert response.json()["detail"].startswith(f"Ticket {ticket.number} is closed")
    assert ticket.messages.count() == 1


def test_a_ticket_is_closed_then_rated(customer):
    ticket = a_ticket(customer)
    client = api(customer)
    rating = f"{TICKETS}/{ticket.number}/rating"
    assert post(client, rating, {"rating": 4}, method="put").status_code == 409
    closed = post(client, f"{TICKETS}/{ticket.number}/close", {})
    assert (closed.status_code, closed.json()["status"]) == (200, TicketStatus.CLOSED)
    rated = post(client, rating, {"rating": 4}, method="put")
    assert (rated.status_code, rated.json()["rating"]) == (200, 4)
    assert post(client, rating, {"rating": 9}, method="put").status_code == 422
