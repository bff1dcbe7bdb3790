# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""Telephone intake (COL-2): staff open or change a customer's data on the caller's behalf."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import (
    Channel,
    ClientLogEntry,
    Customer,
    Person,
    ProfileChange,
    StaffRole,
)
from clientvault.privacy.models.policy import AcceptanceChannel, PolicyAcceptance
from clientvault.privacy.services.policy import publish_policy
from tests.accounts.personas import customer, staff, staff_client  # noqa: F401
from tests.accounts.test_identity_check import queued_mail
from tests.accounts.test_staff_customer import pass_check

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
URL = reverse("accounts:staff_intake")
ORGANISATION = f"{URL}?kind=organisation"
DETAILS = {
    "given_name": "Katherine",
    "family_name": "Johnson",
    "email": "kj@example.org",
    "phone": "+1 202 555 0143",
    "address_line1": "300 E Street SW",
    "city": "Washington",
    "region": "DC",
    "postal_code": "20546",
    "country": "US",
}


@pytest.fixture
def policy():
    return publish_policy()


@pytest.fixture
def caller(policy):
    """What staff send for a caller who accepted the policy in force."""
    return {**DETAILS, "accept_policy": "on", "policy_version": str(policy.number)}


def test_the_form_marks_what_the_phone_intake_may_leave_out(staff_client):
    page = staff_client(StaffRole.SUPPORT).get(URL).content.decode()
    assert 'Address (second line) <span class="optional">(optional)</span>' in page
    assert 'Address <span class="optional">' not in page  # an account needs it (COL-3)
    assert 'Telephone <span class="optional">' not in page
    intake = page.lower().split('<section class="area-main">', 1)[1].split("<form", 1)[1]
    assert "password" not in intake.split("</form>")[0]


def test_it_opens_an_account_marked_as_staff_entered_by_telephone(staff, staff_client, caller):
    support = staff(StaffRole.SUPPORT)
    response = staff_client(StaffRole.SUPPORT).post(URL, caller, follow=True)
    account = Customer.objects.get()
    person = Person.objects.select_related("user").get(customer=account)
    assert response.redirect_chain[-1][0].endswith(f"/staff/customers/{account.number}/")
    assert "opened by telephone" in response.content.decode()
    assert (account.created_channel, account.created_by) == (Channel.TELEPHONE, support)
    assert (person.created_channel, person.created_by) == (Channel.TELEPHONE, support)
    assert person.phone == "+12025550143"
    assert person.address_line1 == "300 E Street SW"
    assert person.email_confirmed_at is None  # until the caller sets a password from the link
    assert person.user.username.startswith("cv")
    assert not person.user.has_usable_password()
    mail = queued_mail()
    assert [m["to"] for m in mail] == ["kj@example.org"]
    assert "/password-reset/" in mail[0]["context"]["link"]
    log = ClientLogEntry.objects.get(customer=account, event="created_by_staff")
    assert log.channel == Channel.TELEPHONE
    assert log.actor_label.startswith("staff")
    page = response.content.decode()
    assert "(telephone, entered by staff-support)" in page
    assert "by staff by staff" not in page


def test_it_records_the_callers_acceptance_of_the_policy_as_taken_by_staff(
    staff_client, caller, policy
):
    staff_client(StaffRole.SUPPORT).post(URL, caller)
    person = Person.objects.get()
    acceptance = PolicyAcceptance.objects.get(subject=person.subject)
    assert (acceptance.version, acceptance.channel) == (policy, AcceptanceChannel.STAFF)
    assert ClientLogEntry.objects.filter(customer=person.customer, event="policy_accepted").exists()


def test_it_opens_nothing_until_the_caller_accepts_the_policy(staff_client, caller, policy):
    page = staff_client(StaffRole.SUPPORT).post(URL, {**caller, "accept_policy": ""})
    text = page.content.decode()
    assert f"Ask the caller to accept version {policy.number} of the privacy policy" in text
    assert "/privacy" in text
    assert not Customer.objects.exists()


def test_a_policy_changed_during_the_call_must_be_put_to_the_caller_again(
    staff_client, caller, policy
):
    stale = {**caller, "policy_version": str(policy.number - 1)}
    page = staff_client(StaffRole.SUPPORT).post(URL, stale).content.decode()
    assert "The privacy policy changed while you were taking this call" in page
    assert not Customer.objects.exists()


def test_a_missing_mandatory_field_is_named(staff_client, caller):
    page = staff_client(StaffRole.SUPPORT).post(URL, {**caller, "phone": ""}).content.decode()
    assert "Telephone is required to enter a customer by telephone." in page
    page = staff_client(StaffRole.SUPPORT).post(ORGANISATION, caller)
    assert "Organisation name is required to enter an organisation by telephone." in (
        page.content.decode()
    )
    assert not Customer.objects.exists()


def test_a_bad_number_is_refused_naming_the_field(staff_client, caller):
    page = staff_client(StaffRole.SUPPORT).post(URL, {**caller, "phone": "12"}).content.decode()
    assert "Telephone: " in page
    assert not Customer.objects.exists()


def test_changing_a_callers_details_needs_a_passed_check_first(customer, staff_client):
    client = staff_client(StaffRole.SUPPORT)
    edit = reverse("accounts:staff_intake_update", args=[customer.pk])
    response = client.get(edit)
    assert response["Location"] == reverse("accounts:staff_identity_check", args=[customer.pk])
    response = client.post(edit, {"channel": "telephone", "given_name": "Eve"})
    customer.refresh_from_db()
    assert customer.given_name == "Ada"


def test_it_keeps_a_telephone_change_with_who_and_which_channel(customer, staff, staff_client):
    support = staff(StaffRole.SUPPORT)
    client = staff_client(StaffRole.SUPPORT)
    pass_check(support, customer)
    edit = reverse("accounts:staff_intake_update", args=[customer.pk])
    page = client.get(edit).content.decode()
    assert 'value="Marylebone' in page or "12 Marylebone Road" in page
    data = {
        name: str(getattr(customer, name) or "")
        for name in (
            "given_name",
            "family_name",
            "email",
            "phone",
            "address_line1",
            "city",
            "postal_code",
            "country",
        )
    }
    data |= {"channel": "ticket", "city": "Cambridge", "postal_code": "CB2 1TN"}
    response = client.post(edit, data, follow=True)
    assert "Saved 2 changes;" in response.content.decode()
    change = ProfileChange.objects.get(field="city")
    assert (change.old_value, change.new_value) == ("London", "Cambridge")
    assert (change.channel, change.actor_id) == (Channel.TICKET, f"user:{support.pk}")
    assert "staff: staff-support" in response.content.decode()
