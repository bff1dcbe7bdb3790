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
from tests.accounts.personas import customer, staff, staff_client  # noqa: F401
from tests.accounts.test_identity_check import queued_mail
from tests.accounts.test_staff_customer import pass_check

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
URL = reverse("accounts:staff_intake")
CALLER = {
    "kind": "individual",
    "given_name": "Katherine",
    "family_name": "Johnson",
    "email": "kj@example.org",
    "phone": "+1 202 555 0143",
    "country": "US",
}


def test_the_form_marks_what_the_phone_intake_may_leave_out(staff_client):
    page = staff_client(StaffRole.SUPPORT).get(URL).content.decode()
    assert 'Address <span class="optional">(optional)</span>' in page
    assert 'Telephone <span class="optional">' not in page
    assert "password" not in page.lower().split("<form", 1)[1].split("</form>")[0]


def test_it_opens_an_account_marked_as_staff_entered_by_telephone(staff, staff_client):
    support = staff(StaffRole.SUPPORT)
    response = staff_client(StaffRole.SUPPORT).post(URL, CALLER, follow=True)
    account = Customer.objects.get()
    person = Person.objects.select_related("user").get(customer=account)
    assert response.redirect_chain[-1][0].endswith(f"/staff/customers/{account.number}/")
    assert "opened by telephone" in response.content.decode()
    assert (account.created_channel, account.created_by) == (Channel.TELEPHONE, support)
    assert (person.created_channel, person.created_by) == (Channel.TELEPHONE, support)
    assert person.phone == "+12025550143"
    assert person.address_line1 == ""
    assert person.user.username.startswith("cv")
    assert not person.user.has_usable_password()
    mail = queued_mail()
    assert [m["to"] for m in mail] == ["kj@example.org"]
    assert "/password-reset/" in mail[0]["context"]["link"]
    log = ClientLogEntry.objects.get(customer=account, event="created_by_staff")
    assert log.channel == Channel.TELEPHONE
    assert log.actor_label.startswith("staff")
    page = response.content.decode()
    assert "through telephone by staff: staff-support" in page


def test_a_missing_mandatory_field_is_named(staff_client):
    page = staff_client(StaffRole.SUPPORT).post(URL, {**CALLER, "phone": ""}).content.decode()
    assert "Telephone is required to enter a customer by telephone." in page
    page = staff_client(StaffRole.SUPPORT).post(URL, {**CALLER, "kind": "organisation"})
    assert "Organisation name is required" in page.content.decode()
    assert not Customer.objects.exists()


def test_a_bad_number_is_refused_naming_the_field(staff_client):
    page = staff_client(StaffRole.SUPPORT).post(URL, {**CALLER, "phone": "12"}).content.decode()
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
    assert "Saved 2 change(s)" in response.content.decode()
    change = ProfileChange.objects.get(field="city")
    assert (change.old_value, change.new_value) == ("London", "Cambridge")
    assert (change.channel, change.actor_id) == (Channel.TICKET, f"user:{support.pk}")
    assert "staff: staff-support" in response.content.decode()
