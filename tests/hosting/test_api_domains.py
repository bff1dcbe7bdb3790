"""/api/v1/hosting/domains: the account's domains with their four contacts and what the
registry publishes of each, a role given another contact, renewal and ID protection, for a
token with the domains permission; 403 without it, 404 for another account's domain."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from clientvault.hosting.models import CallAction, DomainStatus, Order
from clientvault.hosting.services.contacts import ContactInput, add_contact
from tests.hosting.api_support import fields_of, get, post, put
from tests.hosting.registrar_server import free_port
from tests.hosting.support import SYSTEM, calls, make_domain, order_hosting, pay, run_calls

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

TESS = {
    "name": "Tess Tech",
    "email": "tess@example.org",
    "phone": "+44 20 7946 0999",
    "address_line1": "1 Server Lane",
    "city": "Leeds",
    "postal_code": "LS1 1AA",
    "country": "GB",
}


@pytest.fixture
def registered(customer, catalogue, servers, billing_staff):
    """Ada's domain, registered at the running registrar."""
    order = order_hosting(customer)
    pay(order.invoice, billing_staff)
    run_calls()
    domain = order.domains.get()
    assert domain.status == DomainStatus.ACTIVE
    return domain


def test_it_lists_the_accounts_domains(customer, catalogue):
    make_domain(customer, "xn--bcher-kva.com")

    page = get(customer, "/domains").json()

    assert page["count"] == 1
    assert page["items"][0]["name"] == "xn--bcher-kva.com"
    assert page["items"][0]["unicode_name"] == "bücher.com"
    assert page["items"][0]["status"] == "active"


def test_one_domain_with_its_contacts_and_what_is_public(customer, registered):
    shown = get(customer, "/domains/ada-site.com").json()

    assert [c["role"] for c in shown["contacts"]] == ["registrant", "admin", "tech", "billing"]
    registrant = shown["contacts"][0]
    assert registrant["contact"]["email"] == "ada@example.com"
    assert registrant["contact"]["account_person"] is True
    assert registrant["published"] == ["country"]  # .com: organisation, region and country
    assert shown["contacts"][3]["published"] == []  # the billing contact is never published
    assert shown["provisioning"]["state"] == "ready"
    assert [e["kind"] for e in shown["history"]] == ["registered", "ordered"]


def test_a_registry_that_publishes_everything_says_so(customer, catalogue, registrar_server):
    make_domain(customer, "ada-site.us")

    shown = get(customer, "/domains/ada-site.us").json()

    assert shown["contacts"][0]["published"] == [
        "name",
        "email",
        "phone",
        "address_line1",
        "city",
        "postal_code",
        "country",
    ]


def test_a_domain_is_found_by_its_name_as_people_read_it(customer, catalogue):
    make_domain(customer, "xn--bcher-kva.com")

    assert get(customer, "/domains/bücher.com").json()["name"] == "xn--bcher-kva.com"


def test_without_the_registrar_what_is_public_is_not_known(customer, catalogue, settings):
    settings.TEST_REGISTRAR_URL = f"http://127.0.0.1:{free_port()}"
    cache.clear()  # no registry policy kept from an earlier test
    make_domain(customer)

    shown = get(customer, "/domains/ada-site.com").json()

    assert [c["published"] for c in shown["contacts"]] == [None] * 4


def test_a_role_gets_a_new_outside_contact_and_the_registrar_is_told(customer, registered):
    response = put(customer, "/domains/ada-site.com/contacts/tech", {"new_contact": TESS})

    assert response.status_code == 200
    tech = response.json()["contacts"][2]["contact"]
    assert (tech["name"], tech["account_person"]) == ("Tess Tech", False)
    assert [c.arguments["roles"] for c in calls(action=CallAction.UPDATE_CONTACTS)] == [["tech"]]
    run_calls()
    registered.refresh_from_db()
    assert registered.tech.subject_id != customer.subject_id


def test_a_role_gets_one_of_the_accounts_contacts(customer, catalogue):
    make_domain(customer)
    other = add_contact(customer=customer.customer, data=ContactInput(**TESS), actor=SYSTEM)

    response = put(customer, "/domains/ada-site.com/contacts/billing", {"contact": str(other.pk)})

    assert response.json()["contacts"][3]["contact"]["id"] == str(other.pk)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "contact"),
        ({"contact": "00000000-0000-0000-0000-000000000000", "new_contact": TESS}, "contact"),
        ({"contact": "00000000-0000-0000-0000-000000000000"}, "contact"),
        ({"new_contact": {**TESS, "phone": "12"}}, "new_contact.phone"),
        ({"new_contact": {**TESS, "country": "XX"}}, "new_contact.country"),
    ],
)
def test_a_bad_contact_is_refused_naming_the_field(customer, catalogue, body, field):
    domain = make_domain(customer)

    response = put(customer, "/domains/ada-site.com/contacts/tech", body)

    assert fields_of(response) == [field]
    domain.refresh_from_db()
    assert domain.tech_id == domain.registrant_id


def test_another_accounts_contact_cannot_be_given_a_role(customer, outsider, catalogue):
    make_domain(customer)
    theirs = add_contact(customer=outsider.customer, data=ContactInput(**TESS), actor=SYSTEM)

    response = put(customer, "/domains/ada-site.com/contacts/tech", {"contact": str(theirs.pk)})

    assert fields_of(response) == ["contact"]


def test_renewal_is_an_order_with_its_invoice(customer, catalogue):
    domain = make_domain(customer)

    response = post(customer, "/domains/ada-site.com/renew", {"years": 3})
    again = post(customer, "/domains/ada-site.com/renew", {"years": 1})

    assert response.status_code == 201
    assert response.json()["renews"] == "ada-site.com"
    assert Order.objects.get(renew_domain=domain).renew_years == 3
    assert again.status_code == 409
    assert "already waiting for payment" in again.json()["detail"]


def test_id_protection_is_turned_on_through_the_registrar(customer, registered):
    response = put(customer, "/domains/ada-site.com/id_protection", {"enabled": True})

    assert response.status_code == 202
    assert response.json()["provisioning"]["state"] == "in_progress"
    run_calls()
    registered.refresh_from_db()
    assert registered.id_protection is True


def test_a_registry_without_id_protection_refuses_it_naming_the_field(
    customer, catalogue, registrar_server
):
    make_domain(customer, "ada-site.us")

    response = put(customer, "/domains/ada-site.us/id_protection", {"enabled": True})

    assert fields_of(response) == ["id_protection"]


def test_a_registrar_that_does_not_answer_is_a_503(customer, catalogue, settings):
    settings.TEST_REGISTRAR_URL = f"http://127.0.0.1:{free_port()}"
    cache.clear()
    make_domain(customer, "ada-down.net")

    response = put(customer, "/domains/ada-down.net/id_protection", {"enabled": True})

    assert response.status_code == 503
    assert "nothing was changed" in response.json()["detail"]


def test_a_teammate_without_the_domains_permission_gets_403(customer, teammate, catalogue):
    make_domain(customer)

    for response in (
        get(teammate, "/domains"),
        get(teammate, "/domains/ada-site.com"),
        put(teammate, "/domains/ada-site.com/contacts/tech", {"new_contact": TESS}),
    ):
        assert response.status_code == 403
        assert "domains permission" in response.json()["detail"]


def test_an_outsider_gets_404_for_anothers_domain(customer, outsider, catalogue):
    make_domain(customer)

    assert get(outsider, "/domains/ada-site.com").status_code == 404
    assert post(outsider, "/domains/ada-site.com/renew", {"years": 1}).status_code == 404
    assert get(outsider, "/domains").json()["count"] == 0
    assert not Order.objects.exists()
