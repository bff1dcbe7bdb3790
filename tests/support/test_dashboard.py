"""The dashboard lists the account's open tickets to people with the support permission."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.support.services.tickets import close_ticket
from tests.support.tickets import a_ticket, text

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_it_lists_open_tickets_not_closed_ones(customer, customer_client):
    open_one = a_ticket(customer)
    closed = close_ticket(ticket=a_ticket(customer), actor=customer.user)

    page = text(customer_client.get(reverse("accounts:dashboard")))

    assert f"Support ticket {open_one.number} (Technical support) : waiting for staff" in page
    assert closed.number not in page


def test_it_lists_none_to_a_teammate_without_support(customer, teammate, teammate_client):
    teammate.permissions = ["billing"]
    teammate.save()
    ticket = a_ticket(customer)

    assert ticket.number not in text(teammate_client.get(reverse("accounts:dashboard")))
