"""A new customer opens an account online, on a phone, and confirms the address by the link.

The e-mail travels for real: the worker sends it over SMTP to an aiosmtpd server on localhost,
and the test follows the link that arrived there.
"""

import pytest
from django.urls import reverse

from clientvault.accounts.models import Channel, ClientLogEntry, Person
from clientvault.privacy.services.policy import accepted_version, publish_policy
from tests.accounts.mailutil import link_in
from tests.e2e.support import (
    deliver_queued_mail,
    error_for,
    fill_fields,
    overflow_on_phone,
    sign_in_with_browser,
    submit,
)

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


@pytest.fixture
def site_url(settings, live_server):
    """Links in e-mail point at the live server."""
    settings.CLIENTVAULT_SITE_URL = live_server.url
    return live_server.url


def test_a_new_customer_signs_up_confirms_the_address_and_reaches_the_dashboard(
    page, smtp_server, site_url, shot
):
    version = publish_policy()
    page.goto(reverse("accounts:signup"))
    fill_fields(page, NEW_CUSTOMER)
    page.get_by_label(f"I accept version {version.number} of the privacy policy").check()
    submit(page)
    page.wait_for_url(f"**{reverse('accounts:signup_sent')}")
    assert "Check your e-mail" in page.locator("main").inner_text()
    assert overflow_on_phone(page) == []
    shot(page, "signup-sent")
    person = Person.objects.get(user__username="mary.s")
    assert person.email_confirmed_at is None

    sign_in_with_browser(page, "mary.s", NEW_CUSTOMER["Password"])  # not before the link
    page.wait_for_url(f"**{reverse('accounts:email_unconfirmed')}")
    assert "Confirm your e-mail address first" in page.locator("main").inner_text()
    assert overflow_on_phone(page) == []
    shot(page, "sign-in-unconfirmed")

    deliver_queued_mail()
    message = smtp_server.wait_for("mary@example.org")
    assert message["Subject"] == "Confirm your e-mail address"
    link = link_in(message)
    assert link.startswith(site_url)
    page.goto(link)
    page.wait_for_url(f"**{reverse('accounts:email_confirm')}")  # the token left the address bar
    assert "mary@example.org" in page.locator("main").inner_text()
    shot(page, "email-confirm")
    submit(page)
    page.wait_for_url(f"**{reverse('accounts:login')}")
    assert "Your e-mail address is confirmed" in page.locator("body").inner_text()

    sign_in_with_browser(page, "mary.s", NEW_CUSTOMER["Password"])
    page.wait_for_url(f"**{reverse('accounts:dashboard')}")
    assert overflow_on_phone(page) == []
    shot(page, "dashboard")
    person = Person.objects.get(user__username="mary.s")
    assert person.is_owner
    assert person.created_channel == Channel.ONLINE
    assert person.email_confirmed_at is not None
    assert (person.email, person.postal_code) == ("mary@example.org", "EH2 1JA")
    assert accepted_version(subject=person.subject) == version
    events = set(
        ClientLogEntry.objects.filter(customer=person.customer).values_list("event", flat=True)
    )
    assert {"signed_up", "policy_accepted", "email_confirmed"} <= events
    page.goto(link)  # single use
    assert "This link does not work" in page.locator("main").inner_text()
