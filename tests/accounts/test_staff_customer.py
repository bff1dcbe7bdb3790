# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The customer record: details hidden on caller channels until a check; every view logged."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from clientvault.accounts.models import Channel, CheckMethod, StaffRole
from clientvault.accounts.services import identity
from clientvault.accounts.services.customers import update_person
from clientvault.accounts.services.staff import back_office_reasons, view_customer
from clientvault.privacy.models import AuditEvent
from tests.accounts.personas import customer, staff, staff_client, teammate  # noqa: F401
from tests.accounts.test_identity_check import queued_mail

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(person):
    return reverse("accounts:staff_customer", args=[person.customer.number])


def views_of(person):
    return AuditEvent.objects.filter(action="access.view", subject_id=person.subject_id)


def pass_check(staff_user, person):
    check = identity.start_identity_check(
        staff=staff_user, person=person, channel=Channel.TELEPHONE, method=CheckMethod.EMAIL_CODE
    )
    code = queued_mail()[-1]["context"]["code"]
    identity.decide_identity_check(check=check, staff=staff_user, code=code)


def test_on_the_telephone_details_stay_hidden_and_nothing_is_logged(customer, staff_client):
    response = staff_client(StaffRole.SUPPORT).get(url(customer))
    page = response.content.decode()
    assert response.status_code == 200
    assert customer.customer.number in page
    assert "Active" in page
    assert "Details hidden until the caller" in page
    for detail in ("Lovelace", "ada@example.com", "+442079460018", "Marylebone", ">ada<"):
        assert detail not in page
    assert not views_of(customer).exists()


def test_a_passed_check_reveals_that_person_only_and_the_view_is_logged(
    customer, teammate, staff, staff_client
):
    client = staff_client(StaffRole.SUPPORT)
    pass_check(staff(StaffRole.SUPPORT), customer)
    page = client.get(url(customer)).content.decode()
    assert "Lovelace" in page
    assert "ada@example.com" in page
    assert "+442079460018" in page
    assert "grace@example.com" not in page  # the teammate was not checked
    event = views_of(customer).get()
    assert event.purpose == "support"
    assert event.actor_id == f"user:{staff(StaffRole.SUPPORT).pk}"
    assert event.details == {"what": "customer.person:telephone"}
    assert not views_of(teammate).exists()


def test_a_check_by_someone_else_reveals_nothing(customer, staff, staff_client):
    pass_check(staff(StaffRole.ADMINISTRATOR), customer)
    page = staff_client(StaffRole.SUPPORT).get(url(customer)).content.decode()
    assert "Lovelace" not in page


def test_back_office_work_without_a_caller_shows_and_logs_every_person(
    customer, teammate, staff_client
):
    client = staff_client(StaffRole.BILLING)
    work = {"channel": "staff", "reason": "billing_run"}
    page = client.get(url(customer), work).content.decode()
    assert "Lovelace" in page
    assert "grace@example.com" in page
    assert "reason: <strong>Billing run" in page
    event = views_of(customer).get()
    assert event.details == {"what": "customer.person:staff", "reason": "billing_run"}
    assert event.purpose == "billing"
    assert views_of(teammate).count() == 1
    client.get(url(customer))  # the channel and reason are kept for the session
    assert views_of(customer).count() == 2
    assert views_of(customer).last().details["reason"] == "billing_run"


@pytest.mark.parametrize("role", [StaffRole.SUPPORT, StaffRole.ADMINISTRATOR])
def test_back_office_is_not_one_click_a_caller_channel_role_is_refused_it(
    role, customer, staff_client
):
    client = staff_client(role)
    for reason in ("", "privacy_request", "legal_request"):
        page = client.get(url(customer), {"channel": "staff", "reason": reason}).content.decode()
        assert "Lovelace" not in page
        assert "Details hidden until the caller" in page
    assert not views_of(customer).exists()


def test_back_office_needs_a_listed_reason(customer, staff_client):
    client = staff_client(StaffRole.PRIVACY_OFFICER)
    page = client.get(url(customer), {"channel": "staff"}).content.decode()
    assert "Back-office work needs a reason: choose one from the list." in page
    page = client.get(url(customer), {"channel": "staff", "reason": "curious"}).content.decode()
    assert "Choose one of the listed reasons." in page
    page = client.get(url(customer), {"channel": "staff", "reason": "billing_run"}).content.decode()
    assert "Choose one of the listed reasons." in page  # not a reason this role may give
    assert "Lovelace" not in page
    assert not views_of(customer).exists()
    page = client.get(
        url(customer), {"channel": "staff", "reason": "legal_request"}
    ).content.decode()
    assert "Lovelace" in page
    event = views_of(customer).get()
    assert (event.purpose, event.details["reason"]) == ("legal_obligation", "legal_request")


def test_the_offer_of_back_office_reasons_follows_the_roles_purposes(staff):
    offered = {role: dict(back_office_reasons(staff(role))) for role in StaffRole}
    assert set(offered[StaffRole.BILLING]) == {"billing_run"}
    assert set(offered[StaffRole.ADMINISTRATOR]) == {"billing_run"}
    assert set(offered[StaffRole.PRIVACY_OFFICER]) == {"privacy_request", "legal_request"}
    assert offered[StaffRole.SUPPORT] == offered[StaffRole.LEGAL] == {}


def test_the_service_refuses_back_office_work_without_an_allowed_reason(customer, staff):
    support, billing = staff(StaffRole.SUPPORT), staff(StaffRole.BILLING)
    account = customer.customer
    with pytest.raises(PermissionDenied, match="may not open records without a caller"):
        view_customer(staff=support, customer=account, channel=Channel.STAFF, reason="billing_run")
    with pytest.raises(PermissionDenied, match="needs a reason"):
        view_customer(staff=billing, customer=account, channel=Channel.STAFF, reason="")
    with pytest.raises(ValidationError):
        view_customer(staff=billing, customer=account, channel=Channel.ONLINE)
    assert not views_of(customer).exists()


def test_the_changes_table_names_each_field_by_its_label(customer, staff_client):
    changes = {"address_line1": "1 Baker Street", "postal_code": "NW1 6XE"}
    update_person(person=customer, changes=changes, actor=customer.user, channel=Channel.ONLINE)
    page = staff_client(StaffRole.SUPPORT).get(url(customer)).content.decode()
    table = page.split('id="changes-heading"', 1)[1].split("</section>", 1)[0]
    assert "address_line1" not in table
    assert "postal_code" not in table
    assert '<td data-label="Field">Address</td>' in table
    assert '<td data-label="Field">Postal code</td>' in table
    assert "Baker Street" not in page  # hidden on the telephone until a check


def test_the_record_shows_history_log_and_who_opened_it(customer, staff_client):
    page = staff_client(StaffRole.SUPPORT).get(url(customer)).content.decode()
    assert "Status history" in page
    assert "Client log" in page
    assert "Account opened" in page
    assert "Privacy policy accepted" in page
    assert "through online form" in page


def test_a_role_without_the_support_purpose_is_refused_with_the_reason(customer, staff_client):
    response = staff_client(StaffRole.LEGAL).get(url(customer))
    assert response.status_code == 403
    assert "Your role (legal) is not granted the purpose" in response.content.decode()
    assert not views_of(customer).exists()


def test_an_unknown_account_number_is_404(staff_client):
    response = staff_client(StaffRole.SUPPORT).get("/staff/customers/CV-0000000/")
    assert response.status_code == 404
