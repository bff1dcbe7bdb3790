# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""Customer search: exact tokens through blind indexes; results show accounts, not people."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from clientvault.accounts.models import Channel, CustomerKind, Person, PersonRole, StaffRole
from clientvault.accounts.services.organisations import update_organisation
from clientvault.accounts.services.staff import search_customers
from clientvault.privacy.models import AuditEvent
from clientvault.privacy.services.subjects import create_subject
from tests.accounts import personas
from tests.accounts.personas import (  # noqa: F401
    customer,
    outsider,
    staff,
    staff_client,
    teammate,
)

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
URL = reverse("accounts:staff_search")


def numbers(query):
    return [c.number for c in search_customers(query=query)]


def test_it_finds_an_account_by_any_exact_token(customer, teammate, outsider):
    mine = customer.customer.number
    assert numbers("ADA@example.COM") == [mine]
    assert numbers("grace@example.com") == [mine]  # an authorised user's address
    assert numbers("020 7946 0018") == [mine]  # national format, read for the holder's country
    assert numbers("+44 20 7946 0018") == [mine]
    assert numbers("lovelace") == [mine]
    assert numbers("Ada Lovelace") == [mine]
    assert numbers(mine.lower()) == [mine]
    assert numbers(mine.removeprefix("CV-")) == [mine]
    assert numbers("Otto") == [outsider.customer.number]


def test_it_matches_whole_tokens_only(customer):
    assert numbers("ada@example") == []
    assert numbers("Lovelac") == []
    assert numbers("Ada Mallory") == []


def test_it_refuses_an_empty_query_with_a_clear_message():
    with pytest.raises(ValidationError) as error:
        search_customers(query="   ")
    assert "Type an e-mail address" in error.value.message_dict["query"][0]


def test_the_page_lists_accounts_without_personal_details(customer, teammate, staff_client):
    client = staff_client(StaffRole.SUPPORT)
    response = client.post(URL, {"query": "ada@example.com"}, follow=True)
    page = response.content.decode()
    assert customer.customer.number in page
    assert "Account owner" in page
    assert "Authorised user" in page
    for detail in ("Lovelace", "ada@example.com", "7946 0018", "46001", "Marylebone"):
        assert detail not in page


def test_the_query_stays_out_of_urls_and_the_audit_log(customer, staff_client):
    client = staff_client(StaffRole.SUPPORT)
    response = client.post(URL, {"query": "ada@example.com"})
    assert response.status_code == 302
    assert response["Location"] == URL
    event = AuditEvent.objects.get(action="staff.search")
    assert event.details == {"kind": "email", "found": 1}


def test_it_shows_the_empty_state_and_the_empty_query_message(customer, staff_client):
    client = staff_client(StaffRole.SUPPORT)
    page = client.post(URL, {"query": "nobody@example.org"}, follow=True).content.decode()
    assert "0 accounts for that e-mail address" in page
    assert "No account matches exactly" in page
    page = client.post(URL, {"query": ""}).content.decode()
    assert "Type an e-mail address, telephone number, name, organisation or account number." in page


def test_it_pages_results_25_at_a_time(customer, staff_client):
    for _ in range(26):
        other = Person(
            subject=create_subject(actor=None),
            customer=type(customer.customer).objects.create(
                kind="individual", created_channel=Channel.ONLINE
            ),
            role=PersonRole.OWNER,
            given_name="Grace",
            family_name="Hopper",
            created_channel=Channel.ONLINE,
        )
        other.save()
    client = staff_client(StaffRole.BILLING)
    page = client.post(URL, {"query": "hopper"}, follow=True).content.decode()
    assert "26 accounts for that name" in page
    assert "Page 1 of 2" in page
    page = client.get(URL, {"page": 2}).content.decode()
    assert "Page 2 of 2" in page
    assert page.count("/staff/customers/CV-") == 1


def test_legal_may_not_search_and_is_told_why(staff_client):
    client = staff_client(StaffRole.LEGAL)
    page = client.get(URL).content.decode()
    assert "need the purpose “Customer support”, which the policy profile does not grant" in page
    assert 'name="query"' not in page
    response = client.post(URL, {"query": "ada@example.com"})
    assert response.status_code == 403
    assert "not granted the purpose “Customer support”" in response.content.decode()


# --- organisations, by the words of their name (blind indexes; the name stays sealed) ---------

ORBIT = {**personas.OWNER_DETAILS, "email": "omar@orbit.example", "given_name": "Omar"}


@pytest.fixture
def orbit(db):
    owner = personas.open_test_account(
        username="orbit",
        details={**ORBIT, "family_name": "Haddad"},
        kind=CustomerKind.ORGANISATION,
        organisation_name="Orbit Analytics Ltd.",
    )
    return owner.customer


def test_it_finds_an_organisation_by_its_name_or_any_of_its_words(orbit, customer):
    assert numbers("Orbit Analytics Ltd.") == [orbit.number]
    assert numbers("orbit analytics ltd") == [orbit.number]
    assert numbers("ANALYTICS") == [orbit.number]
    assert numbers("Ltd Orbit") == [orbit.number]  # every word, in any order
    assert numbers("Orbit Lovelace") == []  # one account must hold every word
    assert numbers("Orb") == []  # whole words only


def test_it_finds_the_organisation_by_its_new_name_only_after_a_change(orbit):
    owner = orbit.people.get(role=PersonRole.OWNER)
    update_organisation(
        customer=orbit,
        changes={"organisation_name": "Nimbus Data GmbH"},
        actor=owner.user,
        channel=Channel.ONLINE,
    )
    assert numbers("nimbus") == [orbit.number]
    assert numbers("orbit") == []


def test_the_organisations_name_is_stored_only_sealed_and_hashed(orbit):
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM accounts_organisation")
        [(stored,)] = cursor.fetchall()
        cursor.execute("SELECT word, word_index FROM accounts_organisationnametoken")
        tokens = cursor.fetchall()
    assert "Orbit" not in stored
    assert stored.startswith("cv1:")
    assert len(tokens) == 3
    assert all(w.startswith("cv1:") and "orbit" not in i for w, i in tokens)
    assert str(orbit.organisation_name) == "Orbit Analytics Ltd."


def test_the_results_page_finds_the_organisation(orbit, staff_client):
    client = staff_client(StaffRole.SUPPORT)
    page = client.post(URL, {"query": "orbit analytics"}, follow=True).content.decode()
    assert orbit.number in page
    assert "1 account for that name" in page
