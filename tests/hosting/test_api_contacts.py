"""/api/v1/hosting/contacts: the account's domain contacts, a new outside contact (a subject
of its own), and a correction that the registrar is told of, for a token with the domains
permission; 403 without it, 404 for another account's contact."""

from __future__ import annotations

import pytest

from clientvault.hosting.models import CallAction, DomainContact
from clientvault.hosting.services.contacts import ContactInput, add_contact
from tests.hosting.api_support import fields_of, get, patch, post
from tests.hosting.support import SYSTEM, calls, make_domain

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


def test_it_lists_the_contacts_with_where_each_is_used(customer, catalogue):
    make_domain(customer)

    page = get(customer, "/contacts").json()

    assert page["count"] == 1
    ada = page["items"][0]
    assert (ada["email"], ada["phone"], ada["account_person"]) == (
        "ada@example.com",
        "+442079460018",
        True,
    )
    assert ada["used_by"] == [
        {"domain": "ada-site.com", "roles": ["registrant", "admin", "tech", "billing"]}
    ]


def test_an_outside_contact_is_a_subject_of_its_own(customer, catalogue):
    response = post(customer, "/contacts", TESS)

    assert response.status_code == 201
    shown = response.json()
    assert (shown["phone"], shown["account_person"], shown["used_by"]) == (
        "+442079460999",
        False,
        [],
    )
    contact = DomainContact.objects.get(pk=shown["id"])
    assert contact.subject_id != customer.subject_id


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"phone": "12"}, "phone"),
        ({"email": "not-an-address"}, "email"),
        ({"postal_code": "12345"}, "postal_code"),
        ({"name": "", "organisation": ""}, "name"),
        ({"city": "Leeds\n"}, "city"),
    ],
)
def test_bad_contact_data_is_refused_naming_the_field(customer, catalogue, change, field):
    response = post(customer, "/contacts", {**TESS, **change})

    assert fields_of(response) == [field]
    assert not DomainContact.objects.exists()


def test_a_correction_is_sent_to_the_registrar_for_each_active_domain(customer, catalogue):
    domain = make_domain(customer)

    response = patch(customer, f"/contacts/{domain.registrant_id}", {"city": "Cambridge"})

    assert response.status_code == 200
    assert response.json()["city"] == "Cambridge"
    assert response.json()["postal_code"] == "NW1 5LR"  # the rest as it was
    assert calls(action=CallAction.UPDATE_CONTACTS)[0].arguments["roles"] == [
        "registrant",
        "admin",
        "tech",
        "billing",
    ]


def test_a_bad_correction_changes_nothing(customer, catalogue):
    domain = make_domain(customer)

    response = patch(customer, f"/contacts/{domain.registrant_id}", {"phone": "12"})

    assert fields_of(response) == ["phone"]
    domain.registrant.refresh_from_db()
    assert str(domain.registrant.phone) == "+442079460018"


def test_a_teammate_without_the_domains_permission_gets_403(teammate, catalogue):
    assert get(teammate, "/contacts").status_code == 403
    assert post(teammate, "/contacts", TESS).status_code == 403
    assert not DomainContact.objects.exists()


def test_an_outsider_gets_404_for_anothers_contact(customer, outsider, catalogue):
    contact = add_contact(customer=customer.customer, data=ContactInput(**TESS), actor=SYSTEM)

    response = patch(outsider, f"/contacts/{contact.pk}", {"city": "York"})

    assert response.status_code == 404
    assert get(outsider, "/contacts").json()["count"] == 0
    contact.refresh_from_db()
    assert str(contact.city) == "Leeds"
