import pytest
from django.test import Client
from django.urls import reverse

from clientvault.legal.models import Status
from tests.accounts.personas import sign_in_staff
from tests.legal.helpers import a_customer, a_demand, legal_team

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def _as(user):
    return sign_in_staff(Client(), user)


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
