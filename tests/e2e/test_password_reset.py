"""A customer who forgot the password resets it through the e-mail on record (CTL-2).

The e-mail travels for real: the worker sends it over SMTP to an aiosmtpd server on localhost,
and the test follows the link that arrived there.
"""

import pytest
from django.urls import reverse

from tests.accounts.mailutil import link_in
from tests.accounts.personas import OWNER_DETAILS, PASSWORD
from tests.e2e.support import (
    deliver_queued_mail,
    overflow_on_phone,
    sign_in_with_browser,
    submit,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]

NEW_PASSWORD = "a-brand-new-passphrase-77"


@pytest.fixture
def site_url(settings, live_server):
    """Links in e-mail point at the live server."""
    settings.CLIENTVAULT_SITE_URL = live_server.url
    return live_server.url


def _ask_for_a_link(page, identifier):
    page.goto(reverse("accounts:login"))
    page.get_by_role("link", name="Forgot").click()
    page.wait_for_url(f"**{reverse('accounts:password_reset')}")
    page.get_by_label("Username or e-mail address", exact=True).fill(identifier)
    submit(page)
    page.wait_for_url(f"**{reverse('accounts:password_reset_done')}")
    return page.locator("main").inner_text()


def test_a_forgotten_password_is_reset_through_the_emailed_link(
    page,
    customer,
    smtp_server,
    site_url,
    shot,
):
    answer = _ask_for_a_link(page, "ada")
    assert overflow_on_phone(page) == []
    shot(page, "password-reset-done")
    deliver_queued_mail()
    message = smtp_server.wait_for(OWNER_DETAILS["email"])
    link = link_in(message)
    assert link.startswith(site_url)
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again", exact=True).fill(NEW_PASSWORD)
    shot(page, "password-reset-confirm")
    submit(page)
    page.wait_for_load_state()
    sign_in_with_browser(page, "ada", NEW_PASSWORD)
    page.wait_for_url(f"**{reverse('accounts:dashboard')}")
    page.context.clear_cookies()
    page.goto(link)  # single use: the link died with the old password
    assert page.get_by_label("New password", exact=True).count() == 0
    assert answer


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    page,
    customer,
    smtp_server,
    site_url,
):
    known = _ask_for_a_link(page, OWNER_DETAILS["email"])
    unknown = _ask_for_a_link(page, "nobody@example.com")
    assert known == unknown
    deliver_queued_mail()
    smtp_server.wait_for(OWNER_DETAILS["email"])
    assert smtp_server.to("nobody@example.com") == []
    assert len(smtp_server.messages) == 1
    sign_in_with_browser(page, "ada", PASSWORD)
    page.wait_for_url(f"**{reverse('accounts:dashboard')}")
