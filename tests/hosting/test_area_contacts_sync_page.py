"""After a profile change the profile page offers to update the domain contacts copied from
it; one button updates them and tells the registrar."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import Channel
from clientvault.accounts.services.customers import update_person
from clientvault.hosting.models import CallAction
from tests.hosting.support import calls, make_domain, run_calls

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

PAGE = reverse("hosting:domain_contacts_sync")
PROFILE = reverse("accounts:profile")
OFFER = "still show your previous details"


@pytest.fixture
def moved(customer, catalogue):
    """Ada's domain uses her profile as its contacts; then she moved."""
    domain = make_domain(customer)
    update_person(
        person=customer,
        changes={"address_line1": "2 New Road", "city": "Leeds", "postal_code": "LS1 4AP"},
        actor=customer.user,
        channel=Channel.ONLINE,
    )
    return domain


def test_the_profile_page_offers_the_update(moved, customer_client):
    page = customer_client.get(PROFILE).content.decode()
    assert OFFER in page
    assert PAGE in page


def test_nothing_is_offered_while_the_copies_match(customer, catalogue, customer_client):
    make_domain(customer)
    assert OFFER not in customer_client.get(PROFILE).content.decode()


def test_the_page_lists_the_stale_contact_and_its_domains(moved, customer_client):
    page = customer_client.get(PAGE).content.decode()
    assert "ada-site.com" in page
    assert "Update 1 domain contact" in page


def test_updating_sends_the_new_details_to_the_registrar(moved, customer_client, servers):
    _, registrar = servers
    registrar.add_domain("ada-site.com")
    response = customer_client.post(PAGE)
    assert response.status_code == 302
    assert response.url == PROFILE
    moved.registrant.refresh_from_db()
    assert str(moved.registrant.city) == "Leeds"
    assert len(calls(action=CallAction.UPDATE_CONTACTS)) == 1
    run_calls()
    (held,) = registrar.store.domains()
    assert held["contacts"]["registrant"]["city"] == "Leeds"
    assert OFFER not in customer_client.get(PROFILE).content.decode()


def test_someone_without_the_domains_permission_is_refused(moved, teammate_client):
    assert teammate_client.get(PAGE).status_code == 403
    assert teammate_client.post(PAGE).status_code == 403
