# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""What the account log and the back office say reads as a sentence: no "by staff by staff", no
"joined by an authorised user", no "1 change(s)", and a failed sign-in is not "by system"."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.accounts.models import (
    Channel,
    ClientLogEntry,
    ClientLogEvent,
    CustomerKind,
    Person,
    StaffRole,
)
from clientvault.accounts.services.people import accept_invitation, create_invitation
from clientvault.accounts.services.staff import open_account_by_telephone
from clientvault.privacy.services.policy import publish_policy
from tests.accounts.personas import PASSWORD, customer, sign_in, staff, staff_client  # noqa: F401
from tests.accounts.test_staff_customer import pass_check

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

CALLER = {
    "given_name": "Kai",
    "family_name": "Jensen",
    "email": "kj@example.org",
    "phone": "+12025550143",
    "address_line1": "1600 Pennsylvania Ave NW",
    "city": "Washington",
    "region": "DC",
    "postal_code": "20500",
    "country": "US",
}


def page(client: Client, name: str, *args: object) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_an_account_opened_by_telephone_never_says_by_staff_twice(staff, staff_client):
    support = staff(StaffRole.SUPPORT)
    account = open_account_by_telephone(
        staff=support, kind=CustomerKind.INDIVIDUAL, details=CALLER, policy_version=publish_policy()
    )
    record = page(staff_client(StaffRole.SUPPORT), "accounts:staff_customer", account.number)
    owner = Person.objects.get(customer=account)
    pass_check(support, owner)
    log = ClientLogEntry.objects.filter(customer=account)
    shown = [f"{entry.get_event_display()} by {entry.actor_label}" for entry in log]
    assert "Account opened on your behalf by staff: support" in shown
    assert "(telephone, entered by staff-support)" in record
    for text in (record, *shown):
        assert "by staff by staff" not in text
        assert "by staff: support by staff" not in text
    identity = log.get(event=ClientLogEvent.IDENTITY_CHECKED)
    assert f"{identity.get_event_display()} by {identity.actor_label}" == (
        "Identity checked by staff: support"
    )


def test_a_teammate_joining_is_shown_without_joined_by_an_authorised_user(customer):
    _, token = create_invitation(
        customer=customer.customer, email="nina@example.com", permissions=[], actor=customer.user
    )
    accept_invitation(
        token=token,
        details={"given_name": "Nina", "family_name": "Petrova"},
        username="nina",
        password=PASSWORD,
    )
    dashboard = page(sign_in(Client(), customer.user), "accounts:dashboard")
    assert '<td data-label="What">Authorised user joined</td>' in dashboard
    assert '<td data-label="By">an authorised user</td>' in dashboard
    assert "joined by an authorised user" not in dashboard.lower()


def test_a_failed_sign_in_is_not_shown_as_done_by_the_system(customer):
    response = Client().post(
        reverse("accounts:login"), {"username": "ada", "password": "not-the-password"}
    )
    assert response.status_code == 200
    entry = ClientLogEntry.objects.get(event=ClientLogEvent.LOGIN_FAILED)
    assert entry.actor_label == "someone trying to sign in"
    log = page(sign_in(Client(), customer.user), "accounts:client_log")
    assert '<td data-label="By">someone trying to sign in</td>' in log
    assert '<td data-label="By">system</td>' not in log


@pytest.mark.parametrize(("changes", "said"), [(1, "Saved 1 change;"), (2, "Saved 2 changes;")])
def test_saving_a_callers_changes_counts_them_in_proper_english(
    customer, staff, staff_client, changes, said
):
    support = staff(StaffRole.SUPPORT)
    pass_check(support, customer)
    data = {name: str(getattr(customer, name) or "") for name in CALLER} | {
        "address_line1": customer.address_line1,
        "city": "Cambridge",
        "postal_code": "CB2 1TN" if changes == 2 else customer.postal_code,
        "country": "GB",
        "channel": Channel.TICKET,
    }
    url = reverse("accounts:staff_intake_update", args=[customer.pk])
    response = staff_client(StaffRole.SUPPORT).post(url, data, follow=True)
    text = response.content.decode()
    assert said in text
    assert "(s)" not in text
