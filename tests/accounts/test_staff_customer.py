# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The customer record: details hidden on caller channels until a check; every view logged."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clientvault.accounts.models import Channel, CheckMethod, Person, StaffRole
from clientvault.accounts.services import identity
from clientvault.accounts.services import staff as staff_service
from clientvault.accounts.services.customers import update_person
from clientvault.accounts.services.staff import (
    BackOfficeReason,
    back_office_reasons,
    view_customer,
)
from clientvault.privacy.models import AuditEvent
from clientvault.privacy.profile import BACK_OFFICE_REASONS, PRESETS_DIR, current_profile
from tests.accounts.personas import (  # noqa: F401
    add_authorised_user,
    customer,
    staff,
    staff_client,
    teammate,
)
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
    for detail in ("Lovelace", "ada@example.com", "7946 0018", "46001", "Marylebone", ">ada<"):
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
    assert "+44 20 7946 0018" in page  # a number from abroad, in international format
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
    response = client.post(url(customer), work)
    assert response.status_code == 302  # switched, then shown by a GET
    page = client.get(response["Location"]).content.decode()
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


# What the presets' [back_office] grants; every other role and reason pair is refused.
GRANTED = {
    StaffRole.BILLING: {"billing_run"},
    StaffRole.PRIVACY_OFFICER: {"privacy_request"},
    StaffRole.LEGAL: {"legal_request"},
}
NOT_GRANTED = [
    (role, reason)
    for role in StaffRole
    for reason in BackOfficeReason.values
    if reason not in GRANTED.get(role, set())
]


@pytest.mark.parametrize(("role", "reason"), NOT_GRANTED)
def test_back_office_is_not_one_click_a_role_is_refused_each_reason_it_is_not_granted(
    role, reason, customer, staff, staff_client
):
    client = staff_client(role)
    page = client.post(url(customer), {"channel": "staff", "reason": reason}, follow=True)
    assert "Lovelace" not in page.content.decode()
    with pytest.raises(PermissionDenied):
        view_customer(
            staff=staff(role), customer=customer.customer, channel=Channel.STAFF, reason=reason
        )
    assert not views_of(customer).exists()


def test_a_link_cannot_state_a_reason(customer, staff_client):
    client = staff_client(StaffRole.BILLING)
    page = client.get(url(customer), {"channel": "staff", "reason": "billing_run"})
    assert "Details hidden until the caller" in page.content.decode()
    assert "Details hidden until the caller" in client.get(url(customer)).content.decode()
    assert "staff_reason" not in client.session
    assert not views_of(customer).exists()


def test_switching_to_back_office_work_needs_the_forms_csrf_token(customer, staff_client):
    client = staff_client(StaffRole.BILLING)
    client.handler.enforce_csrf_checks = True
    work = {"channel": "staff", "reason": "billing_run"}
    assert client.post(url(customer), work).status_code == 403
    assert not views_of(customer).exists()
    form = client.get(url(customer)).content.decode().split('class="channel"', 1)[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    page = client.post(url(customer), work | {"csrfmiddlewaretoken": token}, follow=True)
    assert "Lovelace" in page.content.decode()


def test_back_office_needs_a_listed_reason(customer, staff_client):
    client = staff_client(StaffRole.PRIVACY_OFFICER)
    page = client.post(url(customer), {"channel": "staff"}).content.decode()
    assert "Back-office work needs a reason: choose one from the list." in page
    page = client.post(url(customer), {"channel": "staff", "reason": "curious"}).content.decode()
    assert "Choose one of the listed reasons." in page
    work = {"channel": "staff", "reason": "legal_request"}
    page = client.post(url(customer), work).content.decode()
    assert "Choose one of the listed reasons." in page  # not a reason this role may give
    assert "Lovelace" not in page
    assert not views_of(customer).exists()
    work = {"channel": "staff", "reason": "privacy_request"}
    page = client.post(url(customer), work, follow=True).content.decode()
    assert "Lovelace" in page
    event = views_of(customer).get()
    assert (event.purpose, event.details["reason"]) == ("legal_obligation", "privacy_request")


def test_the_offer_of_back_office_reasons_follows_the_profiles_back_office_table(staff):
    offered = {role: set(dict(back_office_reasons(staff(role)))) for role in StaffRole}
    assert offered[StaffRole.BILLING] == {"billing_run"}
    assert offered[StaffRole.PRIVACY_OFFICER] == {"privacy_request"}
    assert offered[StaffRole.ADMINISTRATOR] == offered[StaffRole.SUPPORT] == set()
    assert offered[StaffRole.LEGAL] == set()  # granted legal_request, but no customer search


def use_back_office(settings, tmp_path, table: str) -> None:
    text = (PRESETS_DIR / "need-to-know.toml").read_text()
    path = tmp_path / "policy.toml"
    path.write_text(text.split("[back_office]", 1)[0] + table)
    settings.CLIENTVAULT_POLICY = path
    current_profile.cache_clear()


def test_an_operator_grants_a_reason_to_a_role_by_name(staff, settings, tmp_path):
    use_back_office(settings, tmp_path, '[back_office]\nadministrator = ["billing_run"]\n')
    assert dict(back_office_reasons(staff(StaffRole.ADMINISTRATOR))) == {
        "billing_run": BackOfficeReason.BILLING_RUN.label
    }
    assert back_office_reasons(staff(StaffRole.BILLING)) == []  # not listed: none


def test_without_a_back_office_table_no_role_works_without_a_caller(staff, settings, tmp_path):
    use_back_office(settings, tmp_path, "")
    assert all(back_office_reasons(staff(role)) == [] for role in StaffRole)


def test_the_profile_knows_every_back_office_reason_and_its_purpose():
    assert set(BACK_OFFICE_REASONS) == set(BackOfficeReason.values)
    assert BACK_OFFICE_REASONS["billing_run"] == "billing"


def test_each_view_goes_through_the_access_log_with_its_reason(customer, staff, monkeypatch):
    billing, calls, real = staff(StaffRole.BILLING), [], staff_service.record_access

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(staff_service, "record_access", spy)
    view_customer(
        staff=billing, customer=customer.customer, channel=Channel.STAFF, reason="billing_run"
    )
    assert calls == [
        {
            "actor": billing,
            "subject_id": customer.subject_id,
            "purpose": "billing",
            "what": "customer.person:staff",
            "details": {"reason": "billing_run"},
        }
    ]


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
    assert "(online form)" in page


def test_a_role_without_the_support_purpose_is_refused_with_the_reason(customer, staff_client):
    response = staff_client(StaffRole.LEGAL).get(url(customer))
    assert response.status_code == 403
    assert "Your role (legal) is not granted the purpose" in response.content.decode()
    assert not views_of(customer).exists()


def test_an_unknown_account_number_is_404(staff_client):
    response = staff_client(StaffRole.SUPPORT).get("/staff/customers/CV-0000000/")
    assert response.status_code == 404


def more_people(customer, staff_user, count):
    start = Person.objects.filter(customer=customer.customer).count()
    for n in range(start, start + count):
        person = add_authorised_user(
            customer, username=f"helper{n}", email=f"helper{n}@example.com"
        )
        Person.objects.filter(pk=person.pk).update(created_by=staff_user)


def reads_for(client, path):
    """The SELECTs of one page view, leaving out the audit log's own (one event per view)."""
    with CaptureQueriesContext(connection) as run:
        assert client.get(path).status_code == 200
    return [
        q["sql"]
        for q in run.captured_queries
        if q["sql"].startswith("SELECT") and "privacy_audithead" not in q["sql"]
    ]


def test_more_people_on_the_record_take_no_more_queries_on_the_telephone(
    customer, staff, staff_client, django_assert_max_num_queries
):
    client = staff_client(StaffRole.SUPPORT)
    more_people(customer, staff(StaffRole.BILLING), 1)
    with CaptureQueriesContext(connection) as two_people:
        client.get(url(customer))
    more_people(customer, staff(StaffRole.BILLING), 4)
    with django_assert_max_num_queries(len(two_people)):
        page = client.get(url(customer)).content.decode()
    assert page.count("entered by staff-billing") == 5
    assert page.count("Details hidden until the caller") == 6


def test_more_people_on_the_record_take_no_more_reads_in_the_back_office(
    customer, staff, staff_client
):
    client = staff_client(StaffRole.BILLING)
    client.post(url(customer), {"channel": "staff", "reason": "billing_run"})
    more_people(customer, staff(StaffRole.SUPPORT), 1)
    two_people = reads_for(client, url(customer))
    more_people(customer, staff(StaffRole.SUPPORT), 4)
    assert len(reads_for(client, url(customer))) == len(two_people)
    page = client.get(url(customer)).content.decode()
    assert page.count("entered by staff-support") == 5
    assert "helper5@example.com" in page
    assert views_of(customer).count() == 3  # still one access event per view of each person


def test_one_query_finds_the_passed_checks_of_everyone_on_the_record(
    customer, teammate, staff, django_assert_max_num_queries
):
    support = staff(StaffRole.SUPPORT)
    pass_check(support, customer)
    with django_assert_max_num_queries(1):
        checks = identity.passed_checks(staff=support, people=[customer, teammate])
    assert set(checks) == {customer.pk}
    assert checks[customer.pk].status == "passed"
