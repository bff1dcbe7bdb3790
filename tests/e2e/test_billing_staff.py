"""The back office's billing in the browser: billing staff find an account's invoice, reveal a
card's billing address (logged), record a payment and refund part of it; support sees only
amounts and statuses. Every page passes axe-core on a phone and a desktop."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.billing.models import Refund
from clientvault.privacy.models import AuditEvent
from tests.accounts.personas import make_staff, sign_in_staff
from tests.billing.rows import ADDRESS, TOKEN, a_method
from tests.billing.support import issued
from tests.e2e.support import fill_fields, looks_right, submit

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]


def as_staff(page: Any, live_server: Any, role: str) -> None:
    """The page's browser carries a session of a staff login of ``role``, second factor passed."""
    client = sign_in_staff(Client(), make_staff(role))
    cookies = [
        {"name": name, "value": morsel.value, "url": live_server.url}
        for name, morsel in client.cookies.items()
    ]
    page.context.add_cookies(cookies)


def test_billing_staff_reveal_an_address_record_a_payment_and_refund(page, live_server, customer):
    a_method(customer)
    invoice = issued(customer, 2000, 500)
    as_staff(page, live_server, StaffRole.BILLING)

    page.goto(reverse("billing:staff_invoices"))
    looks_right(page, "invoices")
    page.get_by_label("Invoice or account number").fill(customer.customer.number)
    submit(page, "Show")
    page.get_by_role("link", name=customer.customer.number).first.click()
    page.wait_for_url(f"**{reverse('billing:staff_account', args=[customer.customer.number])}")
    assert ADDRESS.splitlines()[0] not in page.content()
    looks_right(page, "a customer's billing")

    page.get_by_role("button", name="Reveal billing address of Visa ending 4242").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert ADDRESS.splitlines()[0] in main
    assert TOKEN not in page.content()
    assert AuditEvent.objects.filter(action="reveal").count() == 1
    looks_right(page, "a billing address")

    page.goto(reverse("billing:staff_invoice", args=[invoice.pk]))
    looks_right(page, "an invoice")
    page.get_by_role("link", name="Record a payment").click()
    looks_right(page, "record a payment")
    fill_fields(page, {"Amount received": "25.00", "Reference": "Transfer 4411"})
    submit(page, "Record the payment")
    page.wait_for_url(f"**{reverse('billing:staff_invoice', args=[invoice.pk])}")
    assert f"Recorded a payment of EUR 25.00 on {invoice.display_number}." in page.content()
    assert "Paid" in page.locator("h1").inner_text()
    looks_right(page, "a paid invoice")

    page.get_by_role("link", name="Refund the payment of EUR 25.00").click()
    looks_right(page, "refund a payment")
    fill_fields(page, {"Amount to refund": "30", "Reason": "Too much"})
    submit(page, "Refund")
    page.wait_for_load_state()
    assert "Amount to refund: at most what is left of the payment to refund." in page.content()
    looks_right(page, "a refused refund")
    fill_fields(page, {"Amount to refund": "5", "Reason": "Late setup"})
    submit(page, "Refund")
    page.wait_for_url(f"**{reverse('billing:staff_invoice', args=[invoice.pk])}")
    assert Refund.objects.get().amount == 500


def test_support_sees_an_accounts_invoices_amounts_and_statuses_only(page, live_server, customer):
    a_method(customer)
    invoice = issued(customer, 2000)
    as_staff(page, live_server, StaffRole.SUPPORT)

    page.goto(reverse("accounts:staff_customer", args=[customer.customer.number]))
    page.get_by_role("link", name="Billing", exact=True).last.click()
    page.wait_for_url(f"**{reverse('billing:staff_account', args=[customer.customer.number])}")

    main = page.locator("main").inner_text()
    assert invoice.display_number in main
    assert "EUR 20.00" in main
    for hidden in ("Visa", "4242", "Reveal", ADDRESS.splitlines()[0]):
        assert hidden not in main, hidden
    looks_right(page, "a customer's billing, for support")
