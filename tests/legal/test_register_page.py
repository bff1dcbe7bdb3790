import pytest
from django.test import Client
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.legal.models import ReleaseStatus
from tests.accounts.personas import make_staff, sign_in, sign_in_staff
from tests.legal.helpers import a_customer, a_demand, a_prepared_release, legal_team

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def _as(user):
    return sign_in_staff(Client(), user)


def test_the_register_lists_and_filters_demands():
    a, _ = legal_team()
    demand = a_demand(a_customer(), a)
    client = _as(a)
    page = client.get(reverse("legal:staff_demands"))
    assert page.status_code == 200
    assert demand.reference in page.content.decode()
    page = client.get(reverse("legal:staff_demands"), {"status": "refused"})
    assert demand.reference not in page.content.decode()


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
