"""The customer's invoices in the browser: the overview, the list, one invoice, on a phone, each
page passing axe-core and fitting the screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import reverse

from clientvault.billing.models import InvoiceStatus
from clientvault.testgateway import RunningGateway
from tests.accounts.personas import PASSWORD
from tests.billing.charging_support import DECLINED, real_card
from tests.billing.gateway_server import running_gateway
from tests.billing.rows import a_credit_note, a_method, a_payment, an_invoice, some_credit
from tests.billing.support import issued
from tests.e2e.axe import assert_accessible
from tests.e2e.support import overflow_on_phone, sign_in_with_browser, unlabelled_tables_on_phone

DOWNLOAD_MS = 30_000  # a PDF's first rendering (WeasyPrint) may take seconds
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]


def looks_right(page, where: str) -> None:
    assert_accessible(page, where)
    assert overflow_on_phone(page) == [], where
    assert unlabelled_tables_on_phone(page) == [], where


def test_a_customer_goes_from_the_overview_to_the_list_to_an_invoice(page, customer):
    an_invoice(customer, status=InvoiceStatus.PAID, paid=1200, issued_days_ago=40)
    invoice = an_invoice(customer, lines=(("Shared hosting", 1, 1000), ("Backups", 2, 250)))
    a_payment(invoice, amount=500, method=a_method(customer))
    a_credit_note(invoice, amount=200, reason="Outage")
    type(invoice).objects.filter(pk=invoice.pk).update(amount_paid=500, amount_credited=200)
    some_credit(customer, 1500)

    sign_in_with_browser(page, "ada", PASSWORD)
    page.goto(reverse("billing:overview"))
    assert page.get_by_role("heading", name="Balance due").is_visible()
    assert "EUR 11.00" in page.locator("main").inner_text()
    looks_right(page, "billing overview")

    page.get_by_role("link", name="Invoices", exact=True).click()
    page.wait_for_url(f"**{reverse('billing:invoices')}")
    rows = page.locator("main table tbody tr")
    assert rows.count() == 2
    assert invoice.display_number in rows.first.inner_text()
    looks_right(page, "invoice list")

    page.get_by_role("link", name=invoice.display_number).first.click()
    page.wait_for_url(f"**{reverse('billing:invoice', args=[invoice.display_number])}")
    text = page.locator("main").inner_text()
    for shown in ("Ada Lovelace", "Shared hosting", "EUR 18.00", "Visa ending 4242", "CN000001"):
        assert shown in text, shown
    assert "EUR 11.00 is due" in text
    looks_right(page, "one invoice")

    page.get_by_role("link", name="← All invoices").click()
    page.wait_for_url(f"**{reverse('billing:invoices')}")


def test_the_pdf_link_downloads_the_invoice_named_by_its_number(page, customer):
    invoice = issued(customer, 1000, 250)
    sign_in_with_browser(page, "ada", PASSWORD)
    page.goto(reverse("billing:invoice", args=[invoice.display_number]))
    looks_right(page, "an issued invoice")

    with page.expect_download(timeout=DOWNLOAD_MS) as started:
        page.get_by_role("link", name="Download the PDF").click(timeout=DOWNLOAD_MS)

    download = started.value
    assert download.suggested_filename == f"{invoice.display_number}.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")


def test_a_new_account_sees_the_empty_states(page, customer):
    sign_in_with_browser(page, "ada", PASSWORD)
    page.goto(reverse("billing:invoices"))
    assert "No invoices yet" in page.locator("main").inner_text()
    looks_right(page, "no invoices")
    page.goto(reverse("billing:credit"))
    assert "No credit yet" in page.locator("main").inner_text()
    looks_right(page, "no credit")


@pytest.fixture
def gateway(live_server, settings) -> Iterator[RunningGateway]:
    webhooks = f"{live_server.url}/billing/webhooks/test"
    with running_gateway(secret=settings.TEST_GATEWAY_SECRET, webhook_url=webhooks) as running:
        settings.PAYMENT_GATEWAY = "test"
        settings.TEST_GATEWAY_URL = running.url
        yield running


def test_a_declined_card_is_said_and_the_default_card_then_pays(page, customer, gateway):
    declined = real_card(customer, gateway, DECLINED)  # the first card added: the default
    real_card(customer, gateway)
    invoice = issued(customer, 1000, 250)
    sign_in_with_browser(page, "ada", PASSWORD)
    page.goto(reverse("billing:invoice", args=[invoice.display_number]))

    page.get_by_role("link", name="Pay now").click()
    page.wait_for_url(f"**{reverse('billing:pay', args=[invoice.display_number])}")
    assert page.get_by_label(f"{declined.label}, expires {declined.expires} (default)").is_checked()
    looks_right(page, "pay now")
    page.get_by_role("button", name="Pay EUR 12.50").click()
    page.wait_for_load_state()
    assert "Your card was declined." in page.locator(".form-errors").inner_text()
    looks_right(page, "pay now, declined")

    page.get_by_label("Visa ending 4242", exact=False).last.check()
    page.get_by_role("button", name="Pay EUR 12.50").click()
    page.wait_for_url(f"**{reverse('billing:invoice', args=[invoice.display_number])}")
    assert "Thank you: EUR 12.50 paid." in page.locator(".messages").inner_text()
    assert "Paid" in page.locator("h1").inner_text()
    assert page.get_by_role("link", name="Pay now").count() == 0
    looks_right(page, "a paid invoice")
