# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The customer's billing details: the billing contact (a person on the account who may see
its bills) and the VAT number, saved by update_billing_details; refusals on their field."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.billing.models import BillingAccount
from tests.accounts.personas import (  # noqa: F401
    add_authorised_user,
    customer,
    customer_client,
    outsider,
    sign_in,
    teammate,
    teammate_client,
)

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

DETAILS = reverse("billing:details")
VALID_GB = "GB980780684"


def test_the_owner_is_the_contact_until_another_is_chosen(customer, teammate, customer_client):
    page = customer_client.get(DETAILS).content.decode()

    assert f'<option value="{customer.pk}" selected>Ada Lovelace (account owner)</option>' in page
    assert "Grace Teammate (authorised user)" in page


def test_people_without_the_billing_permission_are_not_offered(customer, customer_client):
    linus = add_authorised_user(customer, username="linus", email="linus@example.com")

    page = customer_client.get(DETAILS).content.decode()

    assert str(linus.pk) not in page


def test_it_saves_the_contact_and_the_vat_number(customer, teammate, customer_client):
    response = customer_client.post(
        DETAILS, {"contact": teammate.pk, "vat_number": "gb 980 780 684"}, follow=True
    )

    assert "Saved. The next invoices are issued with these details." in response.content.decode()
    account = BillingAccount.objects.get(customer=customer.customer)
    assert account.contact == teammate
    assert account.vat_number == VALID_GB


def test_an_invalid_vat_number_is_refused_on_its_field(customer, customer_client):
    page = customer_client.post(DETAILS, {"contact": customer.pk, "vat_number": "GB123"})

    text = page.content.decode()
    assert page.status_code == 200
    assert 'id="id_vat_number_error"' in text
    assert "not valid" in text
    assert not BillingAccount.objects.filter(customer=customer.customer, vat_number="GB123")


def test_someone_elses_person_is_refused(customer, outsider, customer_client):
    page = customer_client.post(DETAILS, {"contact": outsider.pk, "vat_number": ""})

    assert "Billing contact: choose a person on the account." in page.content.decode()
    assert not BillingAccount.objects.filter(contact=outsider).exists()


def test_a_long_vat_number_is_refused_by_the_form(customer, customer_client):
    page = customer_client.post(DETAILS, {"contact": customer.pk, "vat_number": "X" * 21})

    assert "VAT number: at most 20 characters." in page.content.decode()


def test_a_teammate_with_billing_may_change_them(customer, teammate, teammate_client):
    teammate_client.post(DETAILS, {"contact": customer.pk, "vat_number": VALID_GB})

    assert BillingAccount.objects.get(customer=customer.customer).vat_number == VALID_GB


def test_a_teammate_without_billing_gets_403(customer):
    linus = add_authorised_user(customer, username="linus", email="linus@example.com")
    client = sign_in(Client(), linus.user)

    assert client.get(DETAILS).status_code == 403
    assert client.post(DETAILS, {"contact": linus.pk}).status_code == 403


def test_an_organisation_starts_with_its_organisations_vat_number(nimbus):
    page = sign_in(Client(), nimbus.user).get(DETAILS).content.decode()

    assert 'value="DE136695976"' in page
