"""A customer's hosting in the back office: services and domains with where their panel and
registrar calls stand, for the support purpose; each view access-logged for each person."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.hosting.models import CallStatus, DomainStatus, ServiceStatus
from clientvault.privacy.services.access import accesses_to
from tests.hosting.staff_support import a_call
from tests.hosting.support import make_domain, make_service

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(person) -> str:
    return reverse("hosting:staff_customer", args=[person.customer.number])


def test_support_sees_services_and_domains_with_their_calls(customer, catalogue, staff_client):
    waiting = make_service(customer, status=ServiceStatus.PENDING, domain="ada-site.com")
    a_call(
        service=waiting,
        status=CallStatus.RETRYING,
        attempts=2,
        last_error="The control panel did not answer in time.",
    )
    broken = make_service(customer, domain="ada-shop.com")
    a_call(
        service=broken,
        status=CallStatus.FAILED,
        action="suspend",
        attempts=5,
        last_error="The panel refused: no such account.",
    )
    refused = make_domain(customer, "ada-blog.com", status=DomainStatus.FAILED)
    a_call(domain=refused, attempts=1, last_error="The name is taken.")

    page = staff_client(StaffRole.SUPPORT).get(url(customer)).content.decode()

    assert waiting.reference in page
    assert reverse("hosting:staff_service", args=[waiting.reference]) in page
    assert "Set up: waiting to retry, next try" in page
    assert "The control panel did not answer in time." in page
    assert "(2 attempts so far)" in page
    assert "<strong>Failed:</strong> Suspend — The panel refused: no such account." in page
    assert "(after 5 attempts)" in page
    assert "ada-blog.com" in page
    assert reverse("hosting:staff_domain", args=[refused.pk]) in page
    assert "The name is taken." in page
    assert reverse("hosting:staff_order", args=[customer.customer.number]) in page


def test_an_internationalised_domain_is_shown_as_people_read_it(customer, catalogue, staff_client):
    make_domain(customer, "xn--bcher-kva.com")

    page = staff_client(StaffRole.SUPPORT).get(url(customer)).content.decode()

    assert "bücher.com" in page


def test_billing_sees_the_page_but_may_not_act(customer, catalogue, staff_client):
    make_service(customer)

    page = staff_client(StaffRole.BILLING).get(url(customer)).content.decode()

    assert "Shared Plus" in page
    assert reverse("hosting:staff_order", args=[customer.customer.number]) not in page


@pytest.mark.parametrize("role", [StaffRole.LEGAL, StaffRole.MARKETING])
def test_roles_without_support_are_refused(customer, staff_client, role):
    response = staff_client(role).get(url(customer))

    assert response.status_code == 403
    assert "Customer support" in response.content.decode()


def test_each_view_is_access_logged_for_each_person_on_the_account(
    customer, teammate, catalogue, staff, staff_client
):
    make_domain(customer)
    staff_client(StaffRole.SUPPORT).get(url(customer))

    for person in (customer, teammate):
        seen = [e for e in accesses_to(subject_id=person.subject_id) if e.action == "access.view"]
        assert [(e.actor_id, e.purpose, e.details["what"]) for e in seen] == [
            (f"user:{staff('support').pk}", "support", "hosting.account")
        ]


def test_an_unknown_account_gets_404(staff_client):
    response = staff_client(StaffRole.SUPPORT).get(reverse("hosting:staff_customer", args=["CV0"]))

    assert response.status_code == 404


def test_a_customer_gets_404(customer, customer_client):
    assert customer_client.get(url(customer)).status_code == 404
