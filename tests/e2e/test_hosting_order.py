# ruff: noqa: F811  (pytest fixtures imported from tests.hosting's servers)
"""Hosting in the browser, end to end: Ada orders shared hosting with a new domain name, pays
its invoice by card through the test gateway, sees the service set up on the test panel and
the domain registered at the test registrar, then names a new outside technical contact (seeing
what becomes public, and ticking it), and the registrar receives it. Every hosting page on the
way passes axe-core at desktop and phone width and fits the phone's screen."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import reverse

from clientvault.hosting.models import Domain, DomainStatus, Service, ServiceStatus
from clientvault.hosting.services.catalogue import ensure_catalogue
from clientvault.testgateway import RunningGateway
from tests.accounts.personas import PASSWORD
from tests.billing.charging_support import real_card
from tests.billing.gateway_server import running_gateway
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import PHONE
from tests.e2e.support import (
    fill_fields,
    open_menu,
    overflow_on_phone,
    sign_in_with_browser,
    unlabelled_tables_on_phone,
)
from tests.hosting.panel_server import panel_server  # noqa: F401
from tests.hosting.registrar_server import registrar_server  # noqa: F401
from tests.hosting.support import run_calls

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]

DESKTOP = {"width": 1280, "height": 800}
NAME = "ada-shop.com"
TOM = {
    "Name (optional)": "Tom Tech",
    "Organisation (optional)": "Tech Ltd",
    "E-mail address": "tom@tech.example",
    "Telephone": "+44 20 7946 0999",
    "Address": "1 High Street",
    "Town or city": "Leeds",
    "Postal code (optional)": "LS1 1AA",
    "Country": "GB",
}


def looks_right(page, where: str) -> None:
    """axe-core at desktop and phone width; on the phone nothing wider than the screen."""
    page.set_viewport_size(DESKTOP)
    assert_accessible(page, f"{where} at 1280 px")
    page.set_viewport_size(PHONE)
    assert_accessible(page, f"{where} at 390 px")
    assert overflow_on_phone(page) == [], where
    assert unlabelled_tables_on_phone(page) == [], where


def main_text(page) -> str:
    return " ".join(page.locator("main").inner_text().split())


@pytest.fixture
def gateway(live_server, settings) -> Iterator[RunningGateway]:
    # No webhooks: "Pay now" settles the charge in its own request.
    with running_gateway(secret=settings.TEST_GATEWAY_SECRET, webhook_url="") as running:
        settings.PAYMENT_GATEWAY = "test"
        settings.TEST_GATEWAY_URL = running.url
        yield running


def order_shared_hosting(page) -> None:
    open_menu(page)
    page.get_by_role("link", name="Services", exact=True).click()
    page.wait_for_url(f"**{reverse('hosting:services')}")
    assert "No hosting services yet." in main_text(page)
    looks_right(page, "no services yet")
    page.get_by_role("link", name="Order hosting").first.click()
    page.wait_for_url(f"**{reverse('hosting:order')}")
    looks_right(page, "the order form")
    page.get_by_label(re.compile(r"^Shared Plus")).check()
    page.get_by_label("Yearly", exact=True).check()
    page.get_by_label("Register a new domain name").check()
    page.get_by_label("The domain name", exact=True).fill(NAME)
    page.get_by_role("button", name="Place the order").click()


def pay_by_card(page) -> None:
    said = page.locator(".messages").inner_text()
    assert re.search(r"Order ORD-[0-9A-F]{8} placed: pay invoice INV-\d+ to start\.", said)
    page.get_by_role("link", name="Pay now").click()
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_load_state()
    assert "Thank you:" in page.locator(".messages").inner_text()


def name_a_new_technical_contact(page) -> None:
    page.get_by_role("link", name="Choose other contacts").click()
    page.wait_for_url(f"**{reverse('hosting:domain_contacts', args=[NAME])}")
    looks_right(page, "the domain's contacts")
    page.get_by_label("Technical contact", exact=True).select_option("new")
    fill_fields(page, TOM)
    page.get_by_role("button", name="Save the contacts").click()
    page.wait_for_load_state()
    text = main_text(page)
    assert "One more step: this change makes personal details public in the registry." in text
    assert f"as technical contact of {NAME}: Organisation (Tech Ltd), Country (GB)." in text
    looks_right(page, "what becomes public")
    page.get_by_label("I have read what becomes public in the registry, and I want to save").check()
    page.get_by_role("button", name="Save and publish").click()
    page.wait_for_url(f"**{reverse('hosting:domain', args=[NAME])}")


def test_a_customer_orders_pays_and_changes_the_technical_contact(
    page, customer, gateway, panel_server, registrar_server
):
    ensure_catalogue()
    real_card(customer, gateway)  # typed into the gateway's own form beforehand
    sign_in_with_browser(page, "ada", PASSWORD)

    order_shared_hosting(page)
    page.wait_for_url("**/account/billing/invoices/*")
    pay_by_card(page)
    assert run_calls() == 2  # the panel sets the service up, the registrar registers the name

    service = Service.objects.get(customer=customer.customer)
    assert service.status == ServiceStatus.ACTIVE
    page.goto(reverse("hosting:services"))
    assert f"Shared Plus for {NAME} (Shared hosting) {NAME} Active Yearly" in main_text(page)
    looks_right(page, "the services")
    page.get_by_role("link", name="Shared Plus").click()
    assert "Running. Its next invoice is made on" in main_text(page)
    looks_right(page, "the service")

    page.goto(reverse("hosting:domains"))
    looks_right(page, "the domains")
    page.get_by_role("link", name=NAME).click()
    assert "Registered until" in main_text(page)
    looks_right(page, "the domain")

    name_a_new_technical_contact(page)
    assert "Saved the technical contact of ada-shop.com." in page.locator(".messages").inner_text()
    published = "Technical contact, Tom Tech: Organisation (Tech Ltd), Country (GB)"
    assert published in main_text(page)
    looks_right(page, "the domain with its new contact")
    run_calls()
    (held,) = registrar_server.store.domains()
    assert held["contacts"]["tech"]["name"] == "Tom Tech"
    assert held["contacts"]["tech"]["email"] == "tom@tech.example"
    assert Domain.objects.get(name=NAME).status == DomainStatus.ACTIVE

    page.get_by_role("button", name="Get the auth code to transfer out").click()
    page.wait_for_load_state()
    assert page.get_by_label("Auth code (EPP code)").input_value() == held["auth_code"]
    looks_right(page, "the auth code, shown once")
