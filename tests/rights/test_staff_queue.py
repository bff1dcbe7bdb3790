# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The back office's queue of privacy requests: by deadline, flagged, paged, and only for the
roles that handle them (RGT-1)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientvault.accounts.models import StaffRole
from clientvault.privacy.services.access import accesses_to
from clientvault.rights.models import RightsRequest, Status
from tests.accounts.personas import (  # noqa: F401
    customer,
    customer_client,
    make_staff,
    sign_in_staff,
    staff,
    staff_client,
)
from tests.rights.helpers import a_rights_request

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

QUEUE = reverse("rights:privacy_queue")


def due_in(request: RightsRequest, days: int, *, extended: int | None = None) -> RightsRequest:
    today = timezone.localdate()
    extended_to = today + datetime.timedelta(days=extended) if extended is not None else None
    RightsRequest.objects.filter(pk=request.pk).update(
        due_on=today + datetime.timedelta(days=days), extended_to=extended_to
    )
    request.refresh_from_db()
    return request


def references(page: str) -> list[str]:
    return re.findall(r">(R-[A-Z0-9]{6})<", page)


def row_of(page: str, reference: str) -> str:
    found = re.search(rf"<tr>\s*<td[^>]*><a[^>]*>{reference}</a>.*?</tr>", page, re.S)
    assert found, f"{reference} is not in the queue"
    return found.group(0)


@pytest.fixture
def officer(staff_client) -> Client:
    return staff_client(StaffRole.PRIVACY_OFFICER)


def test_open_requests_come_nearest_deadline_first_counting_extensions(customer, officer):
    later = due_in(a_rights_request(customer), 20)
    extended = due_in(a_rights_request(customer), 1, extended=40)
    soonest = due_in(a_rights_request(customer), 2)
    overdue = due_in(a_rights_request(customer), -3)

    page = officer.get(QUEUE).content.decode()

    expected = [overdue.reference, soonest.reference, later.reference, extended.reference]
    assert references(page) == expected


def test_it_flags_overdue_and_due_this_week(customer, officer):
    overdue = due_in(a_rights_request(customer), -1)
    soon = due_in(a_rights_request(customer), 6)
    calm = due_in(a_rights_request(customer), 20)
    rescued = due_in(a_rights_request(customer), -5, extended=30)

    page = officer.get(QUEUE).content.decode()

    assert "Overdue" in row_of(page, overdue.reference)
    assert "Due this week" in row_of(page, soon.reference)
    for quiet in (calm, rescued):
        row = row_of(page, quiet.reference)
        assert "Overdue" not in row
        assert "Due this week" not in row
    assert re.search(r"<strong>1</strong> overdue, <strong>1</strong> due within a week", page)


def test_closed_requests_show_only_when_asked_and_are_never_flagged(customer, officer):
    open_one = due_in(a_rights_request(customer), 10)
    closed = due_in(a_rights_request(customer), -10)
    RightsRequest.objects.filter(pk=closed.pk).update(
        status=Status.WITHDRAWN, closed_at=timezone.now()
    )

    assert references(officer.get(QUEUE).content.decode()) == [open_one.reference]
    every = officer.get(QUEUE, {"show": "all"}).content.decode()
    assert references(every) == [closed.reference, open_one.reference]
    assert "Overdue" not in row_of(every, closed.reference)


def test_it_pages_by_25_and_the_pager_keeps_what_is_shown(customer, officer):
    made = [due_in(a_rights_request(customer), days) for days in range(1, 28)]
    RightsRequest.objects.filter(pk=made[0].pk).update(status=Status.WITHDRAWN)

    first = officer.get(QUEUE).content.decode()
    second = officer.get(QUEUE, {"page": 2}).content.decode()
    assert len(references(first)) == 25
    assert references(second) == [made[26].reference]
    assert "Page 1 of 2" in first

    every = officer.get(QUEUE, {"show": "all"}).content.decode()
    assert "Page 1 of 2" in every
    next_link = re.search(r'href="([^"]*)" rel="next"', every)
    assert next_link, "no link to the next page"
    following = officer.get(QUEUE + next_link.group(1).replace("&amp;", "&")).content.decode()
    assert references(following) == [made[25].reference, made[26].reference]


@pytest.mark.parametrize("role", [StaffRole.PRIVACY_OFFICER, StaffRole.LEGAL])
def test_the_privacy_officer_and_legal_reach_it(role, staff_client):
    assert staff_client(role).get(QUEUE).status_code == 200


@pytest.mark.parametrize("role", [StaffRole.SUPPORT, StaffRole.BILLING, StaffRole.MARKETING])
def test_other_roles_get_403(role, staff_client, customer):
    made = a_rights_request(customer)
    client = staff_client(role)
    assert client.get(QUEUE).status_code == 403
    assert client.get(reverse("rights:privacy_request", args=[made.pk])).status_code == 403
    assert client.get(reverse("rights:privacy_new")).status_code == 403


def test_a_customer_gets_404(customer_client):
    assert customer_client.get(QUEUE).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_staff_without_the_second_factor_are_sent_to_it():
    client = Client()
    client.force_login(make_staff(StaffRole.PRIVACY_OFFICER))
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))


def test_opening_a_request_is_kept_in_the_staff_access_log(customer, staff):
    made = a_rights_request(customer)
    officer = staff(StaffRole.PRIVACY_OFFICER)
    client = sign_in_staff(Client(), officer)
    before = accesses_to(subject_id=customer.subject_id).count()

    page = client.get(reverse("rights:privacy_request", args=[made.pk]))

    assert page.status_code == 200
    assert made.reference in page.content.decode()
    seen = list(accesses_to(subject_id=customer.subject_id))
    assert len(seen) == before + 1
    assert seen[-1].actor_id == f"user:{officer.pk}"
    assert seen[-1].actor_role == StaffRole.PRIVACY_OFFICER
    assert seen[-1].details.get("what") == "rights.request"
