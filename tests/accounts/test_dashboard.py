"""The dashboard: the account at a glance, and a summary of the person's own data."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from clientvault.accounts.models import CustomerStatus, LoginOutcome
from clientvault.accounts.services.auth import record_login_event
from clientvault.accounts.views.area import held_categories
from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.models import PolicyVersion
from clientvault.privacy.services.consent import record_consent
from clientvault.privacy.services.disclosures import disclose
from tests.accounts import personas

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer, teammate, outsider = personas.customer, personas.teammate, personas.outsider
DASHBOARD = reverse("accounts:dashboard")


def page_of(person) -> str:
    response = personas.sign_in(Client(), person.user).get(DASHBOARD)
    assert response.status_code == 200
    return response.content.decode()


def test_the_owner_sees_the_account_and_its_empty_states(customer):
    page = page_of(customer)
    assert customer.customer.number in page
    assert "Individual" in page
    assert "Active" in page
    assert "Account owner" in page
    for empty in ("No hosting services yet.", "No domains yet.", "No open requests."):
        assert empty in page
    assert "We have not given your data to anyone." in page
    assert "Account opened" in page  # recent activity


def test_it_says_what_we_hold_from_the_inventory(customer):
    held = held_categories(customer)
    assert {"Name", "E-mail address", "Telephone number", "Postal address", "Username"} <= set(held)
    assert "Employer, job title and department" not in held  # an individual left them empty
    assert "Payment card" not in held
    page = page_of(customer)
    assert all(label in page for label in held)


def test_another_records_row_counts_once_it_exists(customer):
    assert "IP address" not in held_categories(customer)
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="curl/8.5.0")
    record_login_event(request=request, user=customer.user, outcome=LoginOutcome.SUCCESS)
    assert {"IP address", "Browser and device"} <= set(held_categories(customer))


def test_it_asks_which_other_records_exist_in_one_query(customer, django_assert_num_queries):
    with django_assert_num_queries(1):  # the data database; the person's own fields are loaded
        held_categories(customer)


def test_it_shows_who_received_the_data_and_the_consents(customer):
    disclose(
        subject=customer.subject,
        recipient_kind="registrar",
        recipient="Example Registry",
        categories=["user.name", "user.contact.email"],
        ground="contract",
        reference="",
        actor=SYSTEM,
    )
    record_consent(
        subject=customer.subject, purpose="marketing", granted=True, source="form", actor=None
    )
    page = page_of(customer)
    assert "Example Registry" in page
    assert "Name, E-mail address" in page
    assert "<dt>News and offers by e-mail</dt><dd>Yes</dd>" in page


def test_it_links_a_newer_policy_than_the_one_accepted(customer):
    accepted = PolicyVersion.objects.latest()
    assert f'You accepted <a href="/privacy/versions/{accepted.number}">version' in page_of(
        customer
    )
    PolicyVersion.objects.create(
        number=accepted.number + 1,
        content_hash="e" * 64,
        effective_date=timezone.localdate(),
        published_at=timezone.now(),
        html="<p>newer</p>",
    )
    assert f"read version {accepted.number + 1}" in page_of(customer)


def test_an_authorised_user_sees_only_what_their_permissions_cover(teammate):
    page = page_of(teammate)  # billing and support
    assert "No open requests." in page
    assert "No hosting services yet." not in page
    assert "No domains yet." not in page
    assert "Authorised user" in page
    assert reverse("accounts:users") not in page  # no contacts permission: no such link


def test_a_suspended_account_says_so(customer):
    customer.customer.status = CustomerStatus.SUSPENDED
    customer.customer.save()
    assert "This account is <strong>suspended</strong>" in page_of(customer)


def test_a_suspended_account_says_how_to_reach_support(customer):
    customer.customer.status = CustomerStatus.SUSPENDED
    customer.customer.save(update_fields=["status"])
    page = page_of(customer)
    assert "Please contact support at" in page
    assert '<a href="mailto:support@example.com">support@example.com</a>' in page
    assert '<a href="tel:+17035550100">+1 703-555-0100</a>' in page


def test_an_outsider_sees_only_their_own_account(customer, outsider):
    page = page_of(outsider)
    assert outsider.customer.number in page
    assert customer.customer.number not in page


def test_staff_and_strangers_do_not_get_a_dashboard():
    staff = personas.make_staff("support")
    assert personas.sign_in_staff(Client(), staff).get(DASHBOARD).status_code == 404
    response = Client().get(DASHBOARD)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
