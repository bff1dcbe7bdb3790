"""The customer area's list of support tickets."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.support.tickets import a_ticket, text

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
URL = reverse("support:tickets")


def test_it_lists_the_accounts_tickets_with_their_subjects(customer, teammate, customer_client):
    mine = a_ticket(customer, title="Mail bounces")
    theirs = a_ticket(teammate, title="Invoice question")

    page = text(customer_client.get(URL))

    assert mine.number in page
    assert "Mail bounces" in page
    assert theirs.number in page
    assert "Invoice question" in page


def test_it_shows_no_other_accounts_tickets(customer, outsider, customer_client):
    other = a_ticket(outsider, title="Otto's secret plans")

    page = text(customer_client.get(URL))

    assert other.number not in page
    assert "Otto" not in page
    assert "No support tickets yet" in page


def test_it_needs_the_support_permission(customer, teammate, teammate_client):
    teammate.permissions = ["billing"]
    teammate.save()

    assert teammate_client.get(URL).status_code == 403


def test_it_sends_visitors_to_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert "/sign-in" in response["Location"]
