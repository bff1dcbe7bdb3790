# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""Who reaches which back-office page: each staff role, staff without a role or a second factor,
customers and anonymous visitors."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.accounts.models import StaffRole, User
from clientvault.accounts.services.security import report_unauthorised_use
from tests.accounts.personas import (  # noqa: F401
    add_authenticator,
    customer,
    customer_client,
    sign_in_staff,
    staff,
    staff_client,
)

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

CUSTOMER_PAGES = {"search", "customer", "identity", "edit", "reset", "intake"}
REPORT_PAGES = {"reports", "report"}
CAMPAIGN_PAGES = {"campaigns", "campaign_new"}
ALL = {*CUSTOMER_PAGES, *REPORT_PAGES, *CAMPAIGN_PAGES, "status"}
# What each role may open under the need-to-know profile (support purpose, security purpose,
# and the billing purpose for status). /staff/ ("search") opens for every role: without the
# support purpose it is the page listing the role's work.
ALLOWED = {
    StaffRole.SUPPORT: CUSTOMER_PAGES | REPORT_PAGES,
    StaffRole.BILLING: CUSTOMER_PAGES | {"status"},
    StaffRole.PRIVACY_OFFICER: CUSTOMER_PAGES | REPORT_PAGES,
    StaffRole.LEGAL: REPORT_PAGES | {"search"},
    StaffRole.ADMINISTRATOR: ALL - CAMPAIGN_PAGES,  # marketing is a role of its own
    StaffRole.MARKETING: CAMPAIGN_PAGES | {"search"},
}


@pytest.fixture
def urls(customer):
    report = report_unauthorised_use(person=customer, description="not me", actor=customer.user)
    number, pk = customer.customer.number, customer.pk
    return {
        "search": reverse("accounts:staff_search"),
        "customer": reverse("accounts:staff_customer", args=[number]),
        "status": reverse("accounts:staff_status", args=[number]),
        "identity": reverse("accounts:staff_identity_check", args=[pk]),
        "edit": reverse("accounts:staff_intake_update", args=[pk]),
        "reset": reverse("accounts:staff_reset_password", args=[pk]),
        "intake": reverse("accounts:staff_intake"),
        "reports": reverse("accounts:staff_reports"),
        "report": reverse("accounts:staff_report", args=[report.pk]),
        "campaigns": reverse("accounts:staff_campaigns"),
        "campaign_new": reverse("accounts:staff_campaign_new"),
    }


@pytest.mark.parametrize("role", list(StaffRole))
def test_each_role_reaches_exactly_its_pages(role, urls, staff_client):
    client = staff_client(role)
    refused = {name for name, url in urls.items() if client.get(url).status_code == 403}
    assert refused == ALL - ALLOWED[role]


def test_a_customer_gets_404_on_every_staff_page(urls, customer_client):
    for url in urls.values():
        assert customer_client.get(url).status_code == 404, url
        assert customer_client.post(url, {}).status_code == 404, url


def test_staff_without_a_role_get_403(urls):
    user = User.objects.create(username="no-role", is_staff=True)
    add_authenticator(user)
    client = sign_in_staff(Client(), user)
    for url in urls.values():
        assert client.get(url).status_code == 403, url


def test_staff_without_a_verified_second_factor_are_sent_to_it(urls, staff):
    client = Client()
    client.force_login(staff(StaffRole.ADMINISTRATOR))
    for url in urls.values():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:two_factor")), url


def test_anonymous_visitors_are_sent_to_sign_in(urls):
    for url in urls.values():
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login")), url
