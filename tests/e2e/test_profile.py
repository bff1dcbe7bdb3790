"""A customer corrects their profile and sees each change, old to new, in the history (CTL-1)."""

import pytest
from django.urls import reverse

from clientvault.accounts.models import Person, ProfileChange
from tests.accounts.mailutil import link_in
from tests.accounts.personas import PASSWORD
from tests.e2e.support import (
    PHONE_TABLES,
    deliver_queued_mail,
    error_for,
    overflow_on_phone,
    sign_in_with_browser,
    submit,
    unlabelled_tables_on_phone,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]


def test_a_customer_edits_the_profile_and_sees_the_change_in_the_history(page, customer, shot):
    sign_in_with_browser(page, "ada", PASSWORD)
    page.goto(reverse("accounts:profile"))
    assert overflow_on_phone(page) == []
    shot(page, "profile")
    page.get_by_label("Town or city", exact=True).fill("Cambridge")
    page.get_by_label("Postal code", exact=True).fill("cb2 1tn")
    submit(page)
    page.wait_for_load_state()
    assert page.locator(".messages").is_visible()
    person = Person.objects.get(pk=customer.pk)
    assert (person.city, person.postal_code) == ("Cambridge", "CB2 1TN")
    assert ProfileChange.objects.filter(person=person).count() == 2
    page.goto(reverse("accounts:profile_history"))
    history = page.locator("main").inner_text()
    for old, new in (("London", "Cambridge"), ("NW1 5LR", "CB2 1TN")):
        assert old in history
        assert new in history
    assert overflow_on_phone(page) == []
    assert unlabelled_tables_on_phone(page) == [], PHONE_TABLES
    shot(page, "profile-history")


def test_removing_a_mandatory_field_is_refused_naming_it(page, customer):
    sign_in_with_browser(page, "ada", PASSWORD)
    page.goto(reverse("accounts:profile"))
    page.locator("form").evaluate_all("forms => forms.forEach(f => f.noValidate = true)")
    page.get_by_label("Telephone", exact=True).fill("")
    submit(page)
    assert "Telephone" in error_for(page, "Telephone")
    assert Person.objects.get(pk=customer.pk).phone == "+442079460018"
    assert not ProfileChange.objects.exists()


def test_a_new_email_address_is_used_once_its_link_is_followed(
    page, customer, smtp_server, settings, live_server, shot
):
    settings.CLIENTVAULT_SITE_URL = live_server.url
    sign_in_with_browser(page, "ada", PASSWORD)
    page.goto(reverse("accounts:profile_email"))
    page.get_by_label("New e-mail address", exact=True).fill("ada.new@example.org")
    submit(page, "Send the link")
    page.wait_for_url(f"**{reverse('accounts:profile_email')}")
    assert "A change is waiting" in page.locator("main").inner_text()
    assert overflow_on_phone(page) == []
    shot(page, "profile-email-waiting")
    assert Person.objects.get(pk=customer.pk).email == "ada@example.com"
    deliver_queued_mail()
    asked = smtp_server.wait_for("ada@example.com")
    assert asked["Subject"] == "A change of your e-mail address was asked for"
    page.goto(link_in(smtp_server.wait_for("ada.new@example.org")))
    submit(page, "Confirm this address")
    page.wait_for_url(f"**{reverse('accounts:profile')}")
    assert "ada.new@example.org" in page.locator("main").inner_text()
    assert Person.objects.get(pk=customer.pk).email == "ada.new@example.org"
    deliver_queued_mail()
    assert smtp_server.to("ada@example.com")[-1]["Subject"] == "Your e-mail address was changed"
