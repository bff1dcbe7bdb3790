"""The back office's release of a ticket outside: legal staff only, through the register."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.privacy.models import Disclosure
from tests.support.tickets import a_ticket, text

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
FORM = {
    "recipient_kind": "authority",
    "recipient": "Metropolitan Police",
    "ground": "legal_process",
    "reference": "Warrant 2026/113",
}


def url(ticket):
    return reverse("support:staff_release", args=[ticket.number])


def test_legal_staff_release_and_download_the_ticket(customer, staff_client):
    ticket = a_ticket(customer, body="Defaced overnight.")

    response = staff_client("legal").post(url(ticket), FORM)

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{ticket.number}.txt"'
    assert "Defaced overnight." in response.content.decode()
    assert Disclosure.objects.get().reference == "Warrant 2026/113"


def test_a_refused_release_says_why_and_records_nothing(customer, staff_client):
    ticket = a_ticket(customer)

    response = staff_client("legal").post(
        url(ticket), {**FORM, "recipient_kind": "third_party", "ground": "inadvertent_crime"}
    )

    assert "The register refuses this release" in text(response)
    assert not Disclosure.objects.exists()


def test_support_staff_may_not_release(customer, staff_client):
    ticket = a_ticket(customer)

    response = staff_client("support").post(url(ticket), FORM)

    assert response.status_code == 403
    assert not Disclosure.objects.exists()


def test_it_names_a_missing_reference(customer, staff_client):
    response = staff_client("legal").post(url(a_ticket(customer)), {**FORM, "reference": ""})

    assert "Reference: give the order's or request's number." in text(response)
