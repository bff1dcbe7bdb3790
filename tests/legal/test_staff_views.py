import pytest
from django.test import Client
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.legal.models import Demand, Release, ReleaseStatus, Status
from clientvault.privacy.models import Disclosure
from tests.accounts.personas import make_staff, sign_in, sign_in_staff
from tests.legal.helpers import a_customer, a_demand, a_prepared_release, legal_team, refusals

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def _as(user):
    return sign_in_staff(Client(), user)


def _form(person, **changes):
    data = {
        "authority": "Metropolitan Police",
        "jurisdiction": "gb",
        "demand_type": "subpoena",
        "their_reference": "MP-2026-77",
        "received_on": "2026-12-01",
        "due_on": "2026-12-20",
        "subjects": person.customer.number,
        "categories": ["user.name", "user.contact.email"],
    }
    return {**data, **changes}


def test_the_register_lists_and_filters_demands():
    a, _ = legal_team()
    demand = a_demand(a_customer(), a)
    client = _as(a)
    page = client.get(reverse("legal:staff_demands"))
    assert page.status_code == 200
    assert demand.reference in page.content.decode()
    page = client.get(reverse("legal:staff_demands"), {"status": "refused"})
    assert demand.reference not in page.content.decode()


def test_a_new_demand_is_recorded_from_the_form_by_account_number():
    a, _ = legal_team()
    person = a_customer()
    response = _as(a).post(reverse("legal:staff_demand_new"), _form(person))
    demand = Demand.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("legal:staff_demand", args=[demand.pk])
    assert demand.jurisdiction == "GB"
    assert demand.handler_id == a.pk
    assert demand.subjects.get().subject_id == person.subject_id


def test_the_form_names_the_missing_reference_and_audits_it():
    a, _ = legal_team()
    page = _as(a).post(reverse("legal:staff_demand_new"), _form(a_customer(), their_reference=""))
    assert page.status_code == 200
    assert "without the authority&#x27;s reference" in page.content.decode()
    assert 'aria-invalid="true"' in page.content.decode()
    assert refusals("reference_required") == 1
    assert not Demand.objects.exists()


def test_an_unknown_person_is_named_on_the_form():
    a, _ = legal_team()
    page = _as(a).post(reverse("legal:staff_demand_new"), _form(a_customer(), subjects="S-NOPE"))
    assert "S-NOPE" in page.content.decode()


def test_review_prepare_approve_through_the_pages_with_four_eyes():
    a, b = legal_team()
    person = a_customer()
    demand = a_demand(person, a, review=False)
    client_a, client_b = _as(a), _as(b)
    client_a.post(reverse("legal:staff_demand_review", args=[demand.pk]))
    demand.refresh_from_db()
    assert demand.status == Status.UNDER_REVIEW
    field = f"s_{person.subject_id.hex}"
    prepare = reverse("legal:staff_release_prepare", args=[demand.pk])
    assert client_a.get(prepare).status_code == 200
    response = client_a.post(prepare, {field: ["user.name"]})
    release = Release.objects.get()
    assert response["Location"] == reverse("legal:staff_release", args=[release.pk])
    page = client_a.get(response["Location"]).content.decode()
    assert "You prepared this release" in page
    approve = reverse("legal:staff_release_approve", args=[release.pk])
    refused = client_a.post(approve, follow=True).content.decode()
    assert "may not approve it" in refused
    assert not Disclosure.objects.exists()
    page = client_b.post(approve, follow=True).content.decode()
    release.refresh_from_db()
    assert release.status == ReleaseStatus.APPROVED
    assert "Shown once" in page
    assert "/legal/packages/" in page
    again = client_b.get(reverse("legal:staff_release", args=[release.pk])).content.decode()
    assert "/legal/packages/" not in again  # shown once


def test_challenge_and_refuse_need_a_reason():
    a, _ = legal_team()
    demand = a_demand(a_customer(), a)
    client = _as(a)
    page = client.post(
        reverse("legal:staff_demand_challenge", args=[demand.pk]), follow=True
    ).content.decode()
    assert "say why" in page
    client.post(
        reverse("legal:staff_demand_refuse", args=[demand.pk]), {"refuse-reason": "No basis"}
    )
    demand.refresh_from_db()
    assert demand.status == Status.REFUSED
    assert demand.reason == "No basis"


def test_preserve_and_end_from_the_page():
    a, _ = legal_team()
    demand = a_demand(a_customer(), a, demand_type="preservation", categories=[])
    client = _as(a)
    page = client.post(reverse("legal:staff_demand_preserve", args=[demand.pk]), follow=True)
    assert "1 hold in place" in page.content.decode()
    page = client.post(reverse("legal:staff_demand_unpreserve", args=[demand.pk]), follow=True)
    assert "No hold in place" in page.content.decode()


@pytest.mark.parametrize(
    "role", [StaffRole.SUPPORT, StaffRole.BILLING, StaffRole.MARKETING, StaffRole.ADMINISTRATOR]
)
def test_other_staff_roles_are_refused(role):
    a, _ = legal_team()
    release = a_prepared_release(a_customer(), a)
    client = _as(make_staff(role.value))
    for url in (
        reverse("legal:staff_demands"),
        reverse("legal:staff_demand", args=[release.demand_id]),
        reverse("legal:staff_release", args=[release.pk]),
    ):
        assert client.get(url).status_code == 403
    assert client.post(reverse("legal:staff_release_approve", args=[release.pk])).status_code == 403
    release.refresh_from_db()
    assert release.status == ReleaseStatus.PREPARED


def test_customers_get_404_and_visitors_the_sign_in_page():
    a, _ = legal_team()
    person = a_customer()
    demand = a_demand(person, a)
    url = reverse("legal:staff_demand", args=[demand.pk])
    assert sign_in(Client(), person.user).get(url).status_code == 404
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_staff_login_without_its_second_factor_is_sent_to_it():
    a, _ = legal_team()
    response = sign_in(Client(), a).get(reverse("legal:staff_demands"))
    assert response["Location"].startswith(reverse("accounts:two_factor"))
