import pytest
from django.test import Client
from django.urls import reverse

from clientvault.legal.models import Demand
from tests.accounts.personas import sign_in_staff
from tests.legal.helpers import a_customer, legal_team, refusals

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
