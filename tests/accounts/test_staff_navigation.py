# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The back-office navigation shows each role only what it may open, and /staff/ is never a
dead end: a role without customer search lands on a page listing its work."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from tests.accounts.personas import customer, staff, staff_client  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

NAV = re.compile(r'<nav class="area-nav" aria-label="Back office">(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)"[^>]*>([^<]+)</a>')
SEARCH, INTAKE, REPORTS = (
    reverse("accounts:staff_search"),
    reverse("accounts:staff_intake"),
    reverse("accounts:staff_reports"),
)
CAMPAIGNS = reverse("accounts:staff_campaigns")
PRIVACY = reverse("rights:privacy_queue")  # for the roles granted legal_obligation
BILLING = reverse("billing:staff_invoices")  # for the roles granted billing
TICKETS = reverse("support:staff_queue")  # for the roles granted a department's purpose
REVIEW = reverse("support:review_queue")  # for the profile's reviewer roles
LEGAL = reverse("legal:staff_demands")  # for the roles granted legal_obligation
INCIDENTS = reverse("incidents:staff_incidents")  # for the roles granted security
TRAFFIC = reverse("traffic:staff_traffic")  # for the roles granted analytics
EXPECTED = {
    StaffRole.SUPPORT: [
        ("Customers", SEARCH),
        ("Telephone intake", INTAKE),
        ("Tickets", TICKETS),
        ("Acceptable-use review", REVIEW),
        ("Unauthorised-use reports", REPORTS),
        ("Incidents", INCIDENTS),
    ],
    StaffRole.BILLING: [
        ("Customers", SEARCH),
        ("Telephone intake", INTAKE),
        ("Tickets", TICKETS),
        ("Billing", BILLING),
    ],
    StaffRole.PRIVACY_OFFICER: [
        ("Customers", SEARCH),
        ("Telephone intake", INTAKE),
        ("Tickets", TICKETS),
        ("Unauthorised-use reports", REPORTS),
        ("Privacy requests", PRIVACY),
        ("Legal demands", LEGAL),
        ("Incidents", INCIDENTS),
    ],
    StaffRole.LEGAL: [
        ("Your work", SEARCH),
        ("Tickets", TICKETS),
        ("Unauthorised-use reports", REPORTS),
        ("Privacy requests", PRIVACY),
        ("Legal demands", LEGAL),
        ("Incidents", INCIDENTS),
    ],
    StaffRole.MARKETING: [("Your work", SEARCH), ("Campaigns", CAMPAIGNS), ("Traffic", TRAFFIC)],
    StaffRole.ADMINISTRATOR: [
        ("Customers", SEARCH),
        ("Telephone intake", INTAKE),
        ("Tickets", TICKETS),
        ("Acceptable-use review", REVIEW),
        ("Unauthorised-use reports", REPORTS),
        ("Billing", BILLING),
        ("Incidents", INCIDENTS),
    ],
}


def nav_links(page: str) -> list[tuple[str, str]]:
    found = NAV.search(page)
    assert found, "the page has no back-office navigation"
    return [(label, href) for href, label in LINK.findall(found.group(1).split("<p", 1)[0])]


@pytest.mark.parametrize("role", list(StaffRole))
def test_it_lists_only_the_pages_the_role_may_open_and_each_opens(role, staff_client):
    client = staff_client(role)
    links = nav_links(client.get(SEARCH).content.decode())
    assert links == EXPECTED[role]
    for _, href in links:
        assert client.get(href).status_code == 200, href


def test_legal_lands_on_its_work_not_on_a_refusal(staff_client):
    response = staff_client(StaffRole.LEGAL).get(SEARCH)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your role's work" in page
    assert "You cannot open this page" not in page
    assert f'<a href="{REPORTS}">Unauthorised-use reports</a>: Read the reports' in page
    assert f'href="{INTAKE}"' not in page


def test_a_refusal_leads_back_to_the_back_office(customer, staff_client):
    number = customer.customer.number
    response = staff_client(StaffRole.LEGAL).get(reverse("accounts:staff_customer", args=[number]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Back to the back office" in page
    assert "Back to customer search" not in page
    assert ("Customers", SEARCH) not in nav_links(page)


def test_the_current_page_is_marked(customer, staff_client):
    client = staff_client(StaffRole.SUPPORT)
    page = client.get(reverse("accounts:staff_customer", args=[customer.customer.number]))
    assert f'<a href="{SEARCH}" aria-current="page">Customers</a>' in page.content.decode()
