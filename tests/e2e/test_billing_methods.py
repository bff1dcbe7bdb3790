"""Payment methods in the browser (COL-3, USE-2): a customer adds a card in the test gateway's
hosted form, on the gateway's own origin, and comes back to see it as the default; leaves the
wallet page without approving and is told nothing was added.

The gateway runs in this process (``tests.billing.gateway_server``), its webhooks pointed at the
live server. Every page, the gateway's included, passes axe-core; the browser's watch fails the
test on any Content-Security-Policy violation (the list page lets its form lead on to the
gateway, and the gateway's form lets the browser back to clientvault).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse

from clientvault.billing.models import PaymentMethod
from clientvault.testgateway import RunningGateway
from tests.accounts.personas import PASSWORD
from tests.billing.gateway_server import running_gateway
from tests.e2e.axe import assert_accessible
from tests.e2e.support import (
    error_for,
    fill_fields,
    open_menu,
    overflow_on_phone,
    sign_in_with_browser,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]

CARD = {
    "Card number": "4242 4242 4242 4242",
    "Expiry date": "12/40",
    "Security code": "123",
    "Name on the card": "Ada Lovelace",
    "Address line 1": "12 Marylebone Road",
    "Town or city": "London",
    "Postcode": "NW1 5LR",
    "Country code": "GB",
}


@pytest.fixture
def gateway(live_server, settings) -> Iterator[RunningGateway]:
    webhooks = f"{live_server.url}/billing/webhooks/test"
    with running_gateway(secret=settings.TEST_GATEWAY_SECRET, webhook_url=webhooks) as running:
        settings.PAYMENT_GATEWAY = "test"
        settings.TEST_GATEWAY_URL = running.url
        yield running


def looks_right(page, where: str) -> None:
    assert_accessible(page, where)
    assert overflow_on_phone(page) == [], where


def open_payment_methods(page) -> None:
    open_menu(page)
    page.get_by_role("link", name="Billing", exact=True).click()
    page.wait_for_url(f"**{reverse('billing:overview')}")
    page.get_by_role("link", name="Payment methods", exact=True).click()
    page.wait_for_url(f"**{reverse('billing:methods')}")


def test_a_customer_adds_a_card_in_the_hosted_form_and_sees_it_as_the_default(
    page, customer, gateway
):
    sign_in_with_browser(page, "ada", PASSWORD)
    open_payment_methods(page)
    assert "You have no payment method yet" in page.locator("main").inner_text()
    looks_right(page, "payment methods, none yet")

    page.get_by_role("button", name="Add a card", exact=True).click()
    page.wait_for_url(f"{gateway.url}/setup/*")
    hosted_form = page.url
    looks_right(page, "the gateway's card form")
    fill_fields(page, {**CARD, "Card number": "4242 4242 4242 4241", "Expiry date": "01/20"})
    page.get_by_role("button", name="Save the card").click()
    page.locator(".summary").wait_for()
    assert error_for(page, "Card number") == "This card number is not valid: check the digits"
    assert "This card has expired" in error_for(page, "Expiry date")
    assert page.title().startswith("Error: Add a card")
    looks_right(page, "the gateway's card form, with errors")
    assert not PaymentMethod.objects.exists()

    fill_fields(page, CARD)
    page.get_by_role("button", name="Save the card").click()
    page.wait_for_url(f"**{reverse('billing:methods')}")
    main = page.locator("main").inner_text()
    assert "Visa ending 4242 is added. It is your default payment method." in page.inner_text(
        ".messages"
    )
    row = page.get_by_role("row").filter(has_text="Visa ending 4242")
    assert "Default" in row.inner_text()
    assert "12/2040" in row.inner_text()
    assert "4242 4242 4242 4242" not in main
    looks_right(page, "payment methods, with the card")
    method = PaymentMethod.objects.get()
    assert (method.label, method.is_default) == ("Visa ending 4242", True)

    page.goto(hosted_form)  # the browser's back button, or a second tab
    assert "already been added" in page.locator("main").inner_text()
    looks_right(page, "the gateway's page for a finished setup")
    page.goto(f"{gateway.url}/setup/seti_nothing")
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    looks_right(page, "the gateway's page for an unknown setup")


def test_leaving_the_wallet_page_adds_nothing(page, customer, gateway):
    sign_in_with_browser(page, "ada", PASSWORD)
    open_payment_methods(page)
    page.get_by_role("button", name="Add a wallet", exact=True).click()
    page.wait_for_url(f"{gateway.url}/setup/*")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Approve")
    page.get_by_role("button", name="Approve").click()
    page.locator(".summary").wait_for()
    assert error_for(page, "Wallet e-mail address") == "Enter the e-mail address of your wallet"
    looks_right(page, "the gateway's wallet page, with an error")
    page.get_by_role("link", name="Cancel and go back").click()
    page.wait_for_url(f"**{reverse('billing:methods')}?cancelled=1")
    assert "Nothing was added" in page.locator("main").inner_text()
    looks_right(page, "payment methods, after cancelling")
    assert not PaymentMethod.objects.exists()
