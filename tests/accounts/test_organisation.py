"""The organisation page: the account owner keeps its name, VAT and company numbers (COL-4)."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from clientvault.accounts.models import ClientLogEntry, CustomerKind, Organisation, ProfileChange
from clientvault.privacy.models import AuditEvent
from tests.accounts import personas

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer = personas.customer
URL = reverse("accounts:organisation")
DETAILS = {**personas.OUTSIDER_DETAILS, "email": "owner@nimbus.example"}  # in Germany


@pytest.fixture
def owner(db):
    return personas.open_test_account(
        username="nimbus",
        details=DETAILS,
        kind=CustomerKind.ORGANISATION,
        organisation_name="Nimbus Data GmbH",
        vat_number="DE 136 695 976",
    )


@pytest.fixture
def colleague(owner):
    return personas.add_authorised_user(
        owner, username="nina", email="nina@nimbus.example", permissions=["billing"]
    )


def save(person, **changes):
    client = personas.sign_in(Client(), person.user)
    current = {
        "organisation_name": "Nimbus Data GmbH",
        "vat_number": "DE136695976",
        "company_number": "",
    }
    return client.post(URL, {**current, **changes}, follow=True)


def test_it_shows_the_organisations_details_to_the_owner(owner):
    page = personas.sign_in(Client(), owner.user).get(URL).content.decode()
    assert 'value="Nimbus Data GmbH"' in page
    assert 'value="DE136695976"' in page
    assert 'VAT number <span class="optional">(optional)</span>' in page
    assert 'Organisation name <span class="optional">' not in page


def test_the_owner_changes_name_vat_and_company_number_each_kept_in_the_history(owner):
    response = save(
        owner,
        organisation_name="Nimbus Cloud GmbH",
        vat_number="DE136695976",
        company_number="Aachen HRA 11223",
    )
    assert "Saved: organisation name, company registration number." in response.content.decode()
    organisation = Organisation.objects.get(customer=owner.customer)
    assert (organisation.name, organisation.vat_number, organisation.company_number) == (
        "Nimbus Cloud GmbH",
        "DE136695976",
        "Aachen HRA 11223",
    )
    changes = {c.field: (c.old_value, c.new_value) for c in ProfileChange.objects.all()}
    assert changes == {
        "organisation_name": ("Nimbus Data GmbH", "Nimbus Cloud GmbH"),
        "company_number": ("", "Aachen HRA 11223"),
    }
    event = AuditEvent.objects.get(action="organisation.updated")
    assert event.details == {"fields": ["organisation_name", "company_number"], "channel": "online"}
    assert event.subject_id == owner.subject_id
    assert ClientLogEntry.objects.filter(event="profile_changed", person=owner).exists()
    history = personas.sign_in(Client(), owner.user).get(reverse("accounts:profile_history"))
    assert "Nimbus Cloud GmbH" in history.content.decode()


def test_a_number_is_removed_by_emptying_it(owner):
    save(owner, vat_number="")
    assert Organisation.objects.get(customer=owner.customer).vat_number == ""
    change = ProfileChange.objects.get(field="vat_number")
    assert (change.old_value, change.new_value) == ("DE136695976", "")


def test_an_invalid_number_is_refused_naming_the_field_and_the_country(owner):
    response = save(owner, vat_number="DE136695977", company_number="HRB 12")
    errors = response.context["form"].errors
    assert errors["vat_number"] == [
        "VAT number: This is not a valid VAT number for Germany (the number's checksum or check "
        "digit is invalid)."
    ]
    assert errors["company_number"][0].startswith(
        "Company registration number: This is not a valid company registration number for Germany"
    )
    assert not ProfileChange.objects.exists()


def test_the_name_cannot_be_removed(owner):
    response = save(owner, organisation_name="")
    assert response.context["form"].errors["organisation_name"] == [
        "Organisation name is required to keep the organisation's details."
    ]


def test_the_details_stay_sealed_in_the_database(owner):
    save(owner, company_number="Aachen HRA 11223")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, vat_number, company_number FROM accounts_organisation")
        row = cursor.fetchone()
    assert all(value.startswith("cv1:") for value in row)
    assert not any("Nimbus" in v or "136695976" in v or "11223" in v for v in row)


def test_an_authorised_user_may_read_but_not_change_them(owner, colleague):
    client = personas.sign_in(Client(), colleague.user)
    page = client.get(URL).content.decode()
    assert "Only the account owner can change these details." in page
    assert "DE136695976" in page
    refused = client.post(URL, {"organisation_name": "Taken Over Ltd"})
    assert refused.status_code == 403
    assert Organisation.objects.get(customer=owner.customer).name == "Nimbus Data GmbH"


def test_an_individuals_account_has_no_organisation_page(customer):
    client = personas.sign_in(Client(), customer.user)
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"organisation_name": "Mine Ltd"}).status_code == 404
