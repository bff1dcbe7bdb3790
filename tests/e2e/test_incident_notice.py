"""Breach response in the browser: a customer reads the security notice addressed to them (from
the dashboard), and a privacy officer records, scopes and notifies an incident; every page passes
axe-core on a phone and a desktop."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.incidents.models import Incident, Notice
from tests.accounts.personas import PASSWORD
from tests.e2e.support import (
    fill_fields,
    looks_right,
    sign_in_staff_with_browser,
    sign_in_with_browser,
    submit,
)
from tests.incidents.helpers import a_notified_incident, compromised

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]


def test_a_customer_reads_their_breach_notice(page, customer, outsider, shot):
    incident = a_notified_incident(customer)
    sign_in_with_browser(page, customer.user.username, PASSWORD)
    page.goto(reverse("accounts:dashboard"))
    link = page.get_by_role("link", name=f"Security notice ({incident.reference})")
    link.click()
    page.wait_for_url(f"**{reverse('incidents:security_notices')}")
    main = page.locator("main").inner_text()
    assert incident.description in main
    assert "Telephone number" in main
    assert incident.advice in main
    looks_right(page, "the customer's security notices")
    shot(page, "customer-security-notices")


def test_an_outsider_sees_no_notice(page, customer, outsider):
    a_notified_incident(customer)
    sign_in_with_browser(page, outsider.user.username, PASSWORD)
    page.goto(reverse("incidents:security_notices"))
    assert "No security incident has involved your data." in page.locator("main").inner_text()
    looks_right(page, "no security notices")


def press(page: Any, name: str) -> None:
    """Press a form's button and wait for the page it leads to."""
    with page.expect_navigation():
        submit(page, name)


def test_a_privacy_officer_handles_an_incident(page, customer, staff, shot):
    compromised([customer])
    officer = staff(StaffRole.PRIVACY_OFFICER)
    sign_in_staff_with_browser(page, officer)

    page.goto(reverse("incidents:staff_incidents"))
    looks_right(page, "the incident list (empty)")
    page.get_by_role("link", name="Record an incident").click()
    press(page, "Record the incident")  # empty: the errors
    looks_right(page, "a new incident with errors")
    fill_fields(
        page,
        {
            "Title": "Support login phished",
            "What happened": "A support login was used from an unknown device.",
            "Started": "2026-11-01T08:00",
            "Discovered": "2026-11-02T09:00",
        },
    )
    press(page, "Record the incident")
    incident = Incident.objects.get()
    page.wait_for_url(f"**{reverse('incidents:staff_incident', args=[incident.pk])}")
    looks_right(page, "an open incident")

    page.get_by_label("Username of the compromised login").fill("mallory")
    page.get_by_label("From", exact=True).fill("2020-01-01T00:00")
    press(page, "Scope from the access log")
    assert "Scoped: 1 people" in page.locator("body").inner_text()
    page.get_by_label("Why").fill("Contact details seen by an intruder.")
    press(page, "Record the decision")
    press(page, "Send the e-mail notices")
    press(page, "Prepare the call list")
    looks_right(page, "a scoped incident, notifying")
    shot(page, "staff-incident")
    assert Notice.objects.count() == 2

    page.get_by_role("link", name="Read the notification draft").click()
    looks_right(page, "the regulator draft")
    page.goto(reverse("incidents:staff_calls", args=[incident.pk]))
    looks_right(page, "the call list")
    page.get_by_label("How the call went").select_option("reached")
    press(page, "Record")
    assert "The call is recorded." in page.locator("body").inner_text()
