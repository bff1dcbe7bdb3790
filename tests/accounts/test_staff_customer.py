# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The customer record: details hidden on caller channels until a check; every view logged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import Channel, CheckMethod, StaffRole
from clientvault.accounts.services import identity
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
    page = client.get(url(customer), {"channel": "staff"}).content.decode()
    assert "Lovelace" in page
    assert "grace@example.com" in page
    assert views_of(customer).get().details == {"what": "customer.person:staff"}
    assert views_of(teammate).count() == 1
    client.get(url(customer))  # the channel is kept for the session
    assert views_of(customer).count() == 2


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
