"""Correcting one domain contact's details from the customer area (update_contact): each domain
naming it is updated at the registrar; a change to what the registry publishes is listed and
ticked before it is saved."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from clientvault.hosting.models import CallAction, Domain, DomainContact
from clientvault.hosting.services.contacts import ContactInput, add_contact
from tests.hosting.registrar_server import register
from tests.hosting.support import SYSTEM, calls, make_domain, run_calls

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

TOM = {
    "name": "Tom Tech",
    "organisation": "Tech Ltd",
    "email": "tom@tech.example",
    "phone": "+44 20 7946 0999",
    "address_line1": "1 High Street",
    "address_line2": "",
    "city": "Leeds",
    "postal_code": "LS1 1AA",
    "region": "",
    "country": "GB",
}


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def url(domain: Domain, contact: DomainContact) -> str:
    return reverse("hosting:domain_contact", args=[domain.name, contact.pk])


@pytest.fixture
def domain(customer, registrar_server) -> Domain:
    register(registrar_server, "ada-site.com")
    domain = make_domain(customer)
    tom = add_contact(customer=customer.customer, data=ContactInput(**TOM), actor=SYSTEM)
    Domain.objects.filter(pk=domain.pk).update(tech=tom, admin=tom)
    domain.refresh_from_db()
    return domain


def test_it_shows_the_details_and_where_the_contact_is_used(customer_client, domain):
    response = customer_client.get(url(domain, domain.tech))

    assert 'value="Tom Tech"' in response.content.decode()
    assert "ada-site.com: administrative contact, technical contact" in text(response)


def test_a_change_nobody_sees_is_saved_and_sent_to_the_registrar(
    customer_client, domain, registrar_server
):
    response = customer_client.post(url(domain, domain.tech), {**TOM, "city": "York"}, follow=True)

    assert "Saved. Each domain that names this contact is updated." in text(response)
    domain.tech.refresh_from_db()
    assert str(domain.tech.city) == "York"
    assert [c.action for c in calls(domain=domain)] == [CallAction.UPDATE_CONTACTS]
    run_calls()
    (held,) = registrar_server.store.domains()
    assert held["contacts"]["tech"]["city"] == "York"


def test_a_change_to_what_is_published_asks_first(customer_client, domain):
    data = {**TOM, "organisation": "Tom's Own Ltd"}

    asked = customer_client.post(url(domain, domain.tech), data)

    page = text(asked)
    assert "as administrative contact of ada-site.com: Organisation (Tom's Own Ltd)" in page
    assert "as technical contact of ada-site.com: Organisation (Tom's Own Ltd)" in page
    domain.tech.refresh_from_db()
    assert str(domain.tech.organisation) == "Tech Ltd"
    key = re.search(r'name="publication_key" value="([0-9a-f]+)"', asked.content.decode()).group(1)
    customer_client.post(
        url(domain, domain.tech), {**data, "publication_key": key, "confirm_publication": "on"}
    )
    domain.tech.refresh_from_db()
    assert str(domain.tech.organisation) == "Tom's Own Ltd"


def test_invalid_details_are_refused_on_their_field(customer_client, domain):
    response = customer_client.post(url(domain, domain.tech), {**TOM, "email": "not-an-address"})

    assert 'id="id_email_error"' in response.content.decode()
    domain.tech.refresh_from_db()
    assert str(domain.tech.email) == "tom@tech.example"


def test_a_copy_of_a_profile_says_the_profile_stays_as_it_is(customer_client, domain):
    page = text(customer_client.get(url(domain, domain.registrant)))

    assert "a change here changes the domain contact only, not the profile" in page


def test_a_contact_the_domain_does_not_name_is_not_found(customer, customer_client, domain):
    other = add_contact(customer=customer.customer, data=ContactInput(**TOM), actor=SYSTEM)

    assert customer_client.get(url(domain, other)).status_code == 404


def test_others_cannot_change_it(outsider_client, teammate_client, domain):
    data = {**TOM, "city": "York"}

    assert outsider_client.post(url(domain, domain.tech), data).status_code == 404
    assert teammate_client.post(url(domain, domain.tech), data).status_code == 403
    domain.tech.refresh_from_db()
    assert str(domain.tech.city) == "Leeds"
