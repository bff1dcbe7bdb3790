"""The dashboard's "Open requests" card lists the person's open privacy requests."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts import personas
from tests.rights.helpers import a_rights_request, confirmed_client

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer, teammate, outsider = personas.customer, personas.teammate, personas.outsider
DASHBOARD = reverse("accounts:dashboard")


def test_the_card_lists_the_persons_open_requests(customer):
    made = a_rights_request(customer, kind="erasure")
    page = confirmed_client(customer).get(DASHBOARD).content.decode()
    assert f"Erase my data ({made.reference})" in page
    assert reverse("rights:request", args=[made.pk]) in page


def test_it_says_so_when_there_are_none(customer):
    page = confirmed_client(customer).get(DASHBOARD).content.decode()
    assert "No open requests." in page


def test_a_teammate_and_an_outsider_do_not_see_the_owners_requests(customer, teammate, outsider):
    made = a_rights_request(customer)
    for person in (teammate, outsider):
        page = confirmed_client(person).get(DASHBOARD).content.decode()
        assert made.reference not in page
