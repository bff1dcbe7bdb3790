"""A domain's contact changed by staff through a ticket, after an identity check of a caller
who may manage the account's domains (CTL-3, CTL-6): without the check the page says what to
do first; with it, each change goes through the contacts service (the registrar is told) and
into the audit log with the ticket's reference as a code."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.hosting.models import CallAction, DomainContact
from clientvault.hosting.services.contacts import ContactInput, add_contact
from clientvault.privacy.models import AuditEvent, Disclosure
from tests.hosting.staff_support import checked_caller
from tests.hosting.support import SYSTEM, calls, make_domain, run_calls

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

NEW_TECH = {
    "ticket": "T-1234",
    "how": "new",
    "name": "Tess Tech",
    "email": "tess@example.org",
    "phone": "+44 20 7946 0999",
    "address_line1": "1 Server Lane",
    "city": "Leeds",
    "postal_code": "LS1 1AA",
    "country": "GB",
}


def url(domain, role: str = "tech") -> str:
    return reverse("hosting:staff_domain_contact", args=[domain.pk, role])


@pytest.fixture
def domain(customer, catalogue):
    return make_domain(customer)


@pytest.fixture
def support(staff):
    return staff(StaffRole.SUPPORT)


def test_without_a_check_the_page_says_what_to_do_first(customer, domain, staff_client):
    page = staff_client(StaffRole.SUPPORT).get(url(domain)).content.decode()

    assert "after their identity is checked" in page
    assert reverse("accounts:staff_identity_check", args=[customer.pk]) in page
    assert 'name="ticket"' not in page
    assert "ada@example.com" not in page


def test_without_a_check_a_post_changes_nothing(domain, staff_client):
    staff_client(StaffRole.SUPPORT).post(url(domain), NEW_TECH)

    domain.refresh_from_db()
    assert domain.tech_id == domain.registrant_id
    assert not DomainContact.objects.filter(customer=domain.customer, person=None).exists()


def test_after_the_check_the_form_shows_the_contact_and_what_is_public(
    customer, domain, support, staff_client, registrar_server
):
    checked_caller(support, customer)

    page = staff_client(StaffRole.SUPPORT).get(url(domain)).content.decode()

    assert 'name="ticket"' in page
    assert 'value="ada@example.com"' in page
    assert "In this role the registry publishes" in page


def test_a_new_outside_contact_is_a_subject_of_its_own_and_the_registrar_is_told(
    customer, domain, support, staff_client, registrar_server
):
    checked_caller(support, customer)

    response = staff_client(StaffRole.SUPPORT).post(url(domain), NEW_TECH)

    assert response.status_code == 302
    domain.refresh_from_db()
    tech = domain.tech
    assert (str(tech.name), tech.person_id) == ("Tess Tech", None)
    assert tech.subject_id != customer.subject_id
    assert domain.registrant.person_id == customer.pk
    assert [c.arguments["roles"] for c in calls(action=CallAction.UPDATE_CONTACTS)] == [["tech"]]
    run_calls()
    assert Disclosure.objects.filter(subject_id=tech.subject_id).count() == 1


def test_the_audit_event_holds_the_ticket_reference_and_the_check(
    customer, domain, support, staff_client
):
    check = checked_caller(support, customer)

    staff_client(StaffRole.SUPPORT).post(url(domain), NEW_TECH)

    event = AuditEvent.objects.get(action="domain.contact_changed_by_ticket")
    assert event.actor_id == f"user:{support.pk}"
    assert event.details == {
        "ticket": "T-1234",
        "role": "tech",
        "how": "new",
        "identity_check": check.pk,
    }


def test_editing_the_contact_changes_it_in_every_role_that_uses_it(
    customer, domain, support, staff_client
):
    checked_caller(support, customer)
    data = {**NEW_TECH, "how": "edit", "name": "Ada King", "email": "ada@example.com"}

    staff_client(StaffRole.SUPPORT).post(url(domain, "admin"), data)

    domain.refresh_from_db()
    assert str(domain.registrant.name) == "Ada King"
    assert domain.admin_id == domain.registrant_id


def test_another_of_the_accounts_contacts_can_take_the_role(
    customer, domain, support, staff_client
):
    other = add_contact(customer=customer.customer, data=ContactInput(**_contact()), actor=SYSTEM)
    checked_caller(support, customer)

    staff_client(StaffRole.SUPPORT).post(
        url(domain, "billing"), {"ticket": "T-9", "how": "assign", "contact": str(other.pk)}
    )

    domain.refresh_from_db()
    assert domain.billing_id == other.pk


def _contact() -> dict[str, str]:
    return {k: v for k, v in NEW_TECH.items() if k not in {"ticket", "how"}}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ticket": "ticket about ada@example.com"}, "Ticket reference: give the ticket"),
        ({"ticket": ""}, "Ticket reference: this is needed."),
        ({"phone": "12"}, "Telephone: This is not a valid telephone number for GB."),
        ({"how": "assign"}, "Account contact: choose the contact to use."),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    customer, domain, support, staff_client, change, message
):
    checked_caller(support, customer)

    response = staff_client(StaffRole.SUPPORT).post(url(domain), {**NEW_TECH, **change})

    assert response.status_code == 200
    assert message in response.content.decode()
    domain.refresh_from_db()
    assert domain.tech_id == domain.registrant_id
    assert not AuditEvent.objects.filter(action="domain.contact_changed_by_ticket").exists()


def test_a_check_by_another_staff_member_does_not_count(customer, domain, staff, staff_client):
    checked_caller(staff(StaffRole.ADMINISTRATOR), customer)

    page = staff_client(StaffRole.SUPPORT).get(url(domain)).content.decode()

    assert 'name="ticket"' not in page


def test_billing_may_not_change_contacts(customer, domain, staff, staff_client):
    checked_caller(staff(StaffRole.BILLING), customer)

    response = staff_client(StaffRole.BILLING).post(url(domain), NEW_TECH)

    assert response.status_code == 403
    domain.refresh_from_db()
    assert domain.tech_id == domain.registrant_id


def test_an_unknown_role_gets_404(domain, staff_client):
    assert staff_client(StaffRole.SUPPORT).get(url(domain, "owner")).status_code == 404
