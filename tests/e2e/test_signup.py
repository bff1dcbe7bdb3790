"""A new customer opens an account online, on a phone."""

import pytest
from django.urls import reverse

from clientvault.accounts.models import Channel, ClientLogEntry, Person
from clientvault.privacy.services.policy import accepted_version, publish_policy
from tests.e2e.support import error_for, fill_fields, overflow_on_phone, submit

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]
NEW_CUSTOMER = {
    "Given name": "Mary",
    "Family name": "Somerville",
    "E-mail address": "mary@example.org",
    "Telephone": "0131 496 0000",
    "Address": "8 Queen Street",
    "Town or city": "Edinburgh",
    "Postal code": "eh2 1ja",
    "Country": "GB",
    "Username": "mary.s",
    "Password": "tides-and-comets-1826",
    "Password again": "tides-and-comets-1826",
}


def test_a_missing_field_is_named_next_to_it(page, shot):
    publish_policy()
    page.goto(reverse("accounts:signup"))
    assert overflow_on_phone(page) == []
    shot(page, "signup")
    page.get_by_label("Given name", exact=True).fill("Mary")
    page.locator("form").evaluate_all("forms => forms.forEach(f => f.noValidate = true)")
    submit(page)
    assert "Family name" in error_for(page, "Family name")
    assert page.get_by_label("Family name", exact=True).get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Given name", exact=True).input_value() == "Mary"
    assert overflow_on_phone(page) == []
    shot(page, "signup-errors", full_page=True)
    assert not Person.objects.exists()


def test_a_new_customer_signs_up_and_reaches_the_dashboard(page, shot):
    version = publish_policy()
    page.goto(reverse("accounts:signup"))
    fill_fields(page, NEW_CUSTOMER)
    page.get_by_label(f"I accept version {version.number} of the privacy policy").check()
    submit(page)
    page.wait_for_url(f"**{reverse('accounts:dashboard')}")
    assert overflow_on_phone(page) == []
    shot(page, "dashboard")
    person = Person.objects.get(user__username="mary.s")
    assert person.is_owner
    assert person.created_channel == Channel.ONLINE
    assert (person.email, person.postal_code) == ("mary@example.org", "EH2 1JA")
    assert accepted_version(subject=person.subject) == version
    events = set(
        ClientLogEntry.objects.filter(customer=person.customer).values_list("event", flat=True)
    )
    assert {"signed_up", "policy_accepted"} <= events
