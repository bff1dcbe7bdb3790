"""One domain in the back office: its contacts per role (their details only after a caller's
identity check), history and registrar calls; renewal and a new try at a refused
registration. Access-logged for each person on the account and each contact shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.hosting.models import CallStatus, DomainStatus, Order, OrderStatus
from clientvault.hosting.services.contacts import ContactInput, add_contact, assign_contacts
from clientvault.privacy.services.access import accesses_to
from tests.hosting.staff_support import a_call, checked_caller
from tests.hosting.support import SYSTEM, make_domain, run_calls

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

OUTSIDE = ContactInput(
    name="Tess Tech",
    email="tess@example.org",
    phone="+44 20 7946 0999",
    address_line1="1 Server Lane",
    city="Leeds",
    postal_code="LS1 1AA",
    country="GB",
)


def url(domain) -> str:
    return reverse("hosting:staff_domain", args=[domain.pk])


@pytest.fixture
def domain(customer, catalogue):
    domain = make_domain(customer)
    tech = add_contact(customer=customer.customer, data=OUTSIDE, actor=SYSTEM)
    assign_contacts(domain=domain, roles={"tech": tech}, actor=SYSTEM)
    domain.refresh_from_db()
    return domain


def test_the_contacts_stay_hidden_until_a_caller_is_checked(domain, staff_client):
    page = staff_client(StaffRole.SUPPORT).get(url(domain)).content.decode()

    assert "ada-site.com" in page
    assert "A person on the account" in page
    assert "An outside contact" in page
    for hidden in ("Ada Lovelace", "ada@example.com", "Tess Tech", "tess@example.org"):
        assert hidden not in page, hidden
    assert reverse("accounts:staff_identity_check", args=[domain.registrant.person_id]) in page


def test_after_the_check_each_role_shows_its_contact_and_what_is_public(
    customer, domain, staff, staff_client, registrar_server
):
    checked_caller(staff(StaffRole.SUPPORT), customer)

    page = staff_client(StaffRole.SUPPORT).get(url(domain)).content.decode()

    assert "Ada Lovelace" in page
    assert "Tess Tech" in page
    assert "tess@example.org" in page
    assert "Shown after your identity check of Ada Lovelace" in page
    assert "Public in the registry" in page


def test_a_view_after_the_check_is_logged_for_each_contact_shown(
    customer, domain, staff, staff_client
):
    checked_caller(staff(StaffRole.SUPPORT), customer)
    staff_client(StaffRole.SUPPORT).get(url(domain))

    tech = domain.tech.subject_id
    seen = [e.details["what"] for e in accesses_to(subject_id=tech) if e.action == "access.view"]
    assert seen == ["hosting.domain_contact"]
    mine = [e.details["what"] for e in accesses_to(subject_id=customer.subject_id)]
    assert "hosting.domain" in mine
    assert "hosting.domain_contact" in mine


def test_without_a_check_no_contact_is_logged_as_seen(domain, staff_client):
    staff_client(StaffRole.SUPPORT).get(url(domain))

    assert not accesses_to(subject_id=domain.tech.subject_id).exists()


def test_a_check_of_someone_who_may_not_manage_domains_does_not_reveal(
    domain, teammate, staff, staff_client
):
    checked_caller(staff(StaffRole.SUPPORT), teammate)  # billing and support only

    page = staff_client(StaffRole.SUPPORT).get(url(domain)).content.decode()

    assert "Tess Tech" not in page


def test_staff_invoice_a_renewal(domain, staff_client):
    response = staff_client(StaffRole.SUPPORT).post(
        reverse("hosting:staff_domain_renew", args=[domain.pk]), {"years": "2"}, follow=True
    )

    renewal = Order.objects.get(renew_domain=domain)
    assert (renewal.renew_years, renewal.status) == (2, OrderStatus.AWAITING_PAYMENT)
    assert f"Invoice {renewal.invoice.display_number} was issued" in response.content.decode()


def test_renewal_years_out_of_range_are_refused_naming_the_field(domain, staff_client):
    response = staff_client(StaffRole.SUPPORT).post(
        reverse("hosting:staff_domain_renew", args=[domain.pk]), {"years": "11"}, follow=True
    )

    assert "Years: Ensure this value is less than or equal to 10." in response.content.decode()
    assert not Order.objects.filter(renew_domain=domain).exists()


def test_a_refused_registration_is_tried_again(customer, catalogue, registrar_server, staff_client):
    refused = make_domain(customer, "ada-again.com", status=DomainStatus.FAILED)
    a_call(domain=refused, attempts=1, last_error="The registrar was down for maintenance.")
    client = staff_client(StaffRole.SUPPORT)
    assert "Ask the registrar again" in client.get(url(refused)).content.decode()

    client.post(reverse("hosting:staff_domain_retry", args=[refused.pk]), {"auth_code": ""})

    refused.refresh_from_db()
    assert refused.status == DomainStatus.REGISTERING
    run_calls()
    refused.refresh_from_db()
    assert refused.status == DomainStatus.ACTIVE


def test_a_failed_registrar_call_is_tried_again(domain, staff_client):
    failed = a_call(domain=domain, action="renew", attempts=5, last_error="Timed out.")

    response = staff_client(StaffRole.SUPPORT).post(
        reverse("hosting:staff_call_retry", args=[failed.pk])
    )

    assert response["Location"] == url(domain)
    failed.refresh_from_db()
    assert failed.status == CallStatus.QUEUED


def test_billing_sees_the_domain_but_may_not_renew(domain, staff_client):
    client = staff_client(StaffRole.BILLING)
    assert reverse("hosting:staff_domain_renew", args=[domain.pk]) not in (
        client.get(url(domain)).content.decode()
    )

    response = client.post(reverse("hosting:staff_domain_renew", args=[domain.pk]), {"years": 1})

    assert response.status_code == 403
    assert not Order.objects.filter(renew_domain=domain).exists()


def test_a_customer_gets_404(domain, customer_client):
    assert customer_client.get(url(domain)).status_code == 404
