"""An owner invites an authorised user by e-mail; the invitee joins through the e-mailed link
and sees only what the permissions allow (COL-5)."""

import pytest
from django.urls import reverse

from clientvault.accounts.models import Person, PersonRole
from clientvault.privacy.services.policy import publish_policy
from tests.accounts.mailutil import link_in
from tests.accounts.personas import PASSWORD
from tests.e2e.support import (
    PHONE_TABLES,
    deliver_queued_mail,
    overflow_on_phone,
    sign_in_with_browser,
    submit,
    unlabelled_tables_on_phone,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]

INVITEE = "lin@example.com"


def test_an_invited_user_joins_with_the_permissions_given(
    page, browser, live_server, customer, smtp_server, settings, shot
):
    settings.CLIENTVAULT_SITE_URL = live_server.url
    version = publish_policy()
    sign_in_with_browser(page, "ada", PASSWORD)
    page.goto(reverse("accounts:user_invite"))
    page.get_by_label("E-mail address", exact=True).fill(INVITEE)
    page.get_by_label("Billing and invoices").check()
    shot(page, "user-invite")
    submit(page)
    page.wait_for_url(f"**{reverse('accounts:users')}")
    assert INVITEE in page.locator("main").inner_text()
    assert overflow_on_phone(page) == []
    assert unlabelled_tables_on_phone(page) == [], PHONE_TABLES
    shot(page, "users")

    deliver_queued_mail()
    link = link_in(smtp_server.wait_for(INVITEE))
    invitee = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    try:
        join = invitee.new_page()
        join.goto(link)
        join.get_by_label("Given name", exact=True).fill("Lin")
        join.get_by_label("Family name", exact=True).fill("Chen")
        join.get_by_label("Username", exact=True).fill("lin")
        join.get_by_label("Password", exact=True).fill("a-teammates-own-passphrase")
        join.get_by_label("Password again", exact=True).fill("a-teammates-own-passphrase")
        join.get_by_label(f"I accept version {version.number} of the privacy policy").check()
        with join.expect_navigation() as joined:
            submit(join)
        assert joined.value.status != 403, "the browser's form post was refused (CSRF?)"
        person = Person.objects.get(user__username="lin")
        assert person.customer_id == customer.customer_id
        assert person.role == PersonRole.AUTHORISED_USER
        assert person.permissions == ["billing"]

        sign_in_with_browser(join, "lin@example.com", "a-teammates-own-passphrase")
        join.wait_for_url(f"**{reverse('accounts:dashboard')}")
        assert join.get_by_role("link", name="Authorised users").count() == 0
        assert join.goto(reverse("accounts:users")).status in {403, 404}
        join.goto(link)  # the link worked once
        assert join.get_by_label("Username", exact=True).count() == 0
    finally:
        invitee.close()
