# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas and gateway_server)
"""The payment method pages: who may open them, the hosted form's round trip, the SEPA form,
the default and removal."""

from __future__ import annotations

import urllib.parse

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.billing.models import BillingAccount, MethodStatus, PaymentMethod, SetupSession
from tests.accounts.personas import (  # noqa: F401
    add_authorised_user,
    customer,
    customer_client,
    outsider,
    outsider_client,
    sign_in,
    staff,
    staff_client,
    teammate,
    teammate_client,
)
from tests.billing.gateway_server import CARD_FORM, gateway_server, post_form  # noqa: F401
from tests.billing.methods_support import a_payment_method, a_setup_session

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

METHODS = reverse("billing:methods")
SEPA = reverse("billing:method_sepa")
ADD = reverse("billing:method_add")
SEPA_FORM = {
    "iban": "DE89 3704 0044 0532 0130 00",
    "holder_name": "Ada Lovelace",
    "authorise": "on",
}


@pytest.fixture
def member_client(customer):
    member = add_authorised_user(
        customer, username="nobill", email="nobill@example.com", permissions=["support"]
    )
    return sign_in(Client(), member.user)


def text(response) -> str:
    return response.content.decode()


# --- who gets in ---------------------------------------------------------------------------


def test_the_owner_sees_an_empty_list_and_the_ways_to_add(customer_client):
    response = customer_client.get(METHODS)
    assert response.status_code == 200
    page = text(response)
    assert "You have no payment method yet" in page
    assert "Add a card" in page
    assert "Add a wallet" in page
    assert "Add a SEPA Direct Debit mandate" in page
    overview = reverse("billing:overview")
    assert f'href="{overview}" aria-current="page">Billing</a>' in page


def test_the_list_shows_brand_last_four_expiry_and_the_default(customer, customer_client):
    a_payment_method(customer)
    a_payment_method(customer, brand="mastercard", last4="4444", default=False)
    page = text(customer_client.get(METHODS))
    assert "Visa ending 4242" in page
    assert "Mastercard ending 4444" in page
    assert "12/2040" in page
    assert '<span class="status">Default</span>' in page
    assert page.index("Visa ending 4242") < page.index("Mastercard ending 4444")
    assert 'Make default<span class="visually-hidden">: Mastercard ending 4444</span>' in page


def test_the_list_lets_its_forms_lead_on_to_the_gateway_only(customer_client, settings):
    settings.TEST_GATEWAY_URL = "http://127.0.0.1:8040"
    policy = customer_client.get(METHODS)["Content-Security-Policy"]
    assert "form-action 'self' http://127.0.0.1:8040;" in policy
    other = customer_client.get(reverse("accounts:dashboard"))["Content-Security-Policy"]
    assert "form-action 'self';" in other


def test_a_teammate_with_the_billing_permission_gets_in(teammate_client):
    assert teammate_client.get(METHODS).status_code == 200


def test_a_teammate_without_the_billing_permission_is_refused(member_client):
    assert member_client.get(METHODS).status_code == 403
    assert member_client.post(ADD, {"kind": "card"}).status_code == 403
    page = text(member_client.get(reverse("accounts:dashboard")))
    assert METHODS not in page  # no Billing link in the navigation


def test_an_outsider_gets_404_for_the_accounts_methods_and_sessions(customer, outsider_client):
    method = a_payment_method(customer)
    session = a_setup_session(customer)
    for url in (
        reverse("billing:method_remove", args=[method.pk]),
        reverse("billing:method_default", args=[method.pk]),
        reverse("billing:method_return", args=[session.pk]),
    ):
        assert outsider_client.get(url).status_code in (404, 405)
        assert outsider_client.post(url).status_code in (404, 405)
    assert "Visa ending 4242" not in text(outsider_client.get(METHODS))
    method.refresh_from_db()
    assert (method.status, method.is_default) == (MethodStatus.ACTIVE, True)


def test_staff_have_no_customer_billing_pages(staff_client):
    assert staff_client("billing").get(METHODS).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in():
    response = Client().get(METHODS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- the hosted form's round trip ------------------------------------------------------------


def test_adding_a_card_goes_to_the_hosted_form_and_back(customer, customer_client, gateway_server):
    response = customer_client.post(ADD, {"kind": "card"})
    assert response.status_code == 303
    hosted = response["Location"]
    assert hosted.startswith(f"{gateway_server.url}/setup/")
    session = SetupSession.objects.get()
    back = gateway_server.store.one("SELECT return_url, cancel_url FROM setup_sessions")
    assert back["return_url"] == f"http://testserver/account/billing/methods/return/{session.pk}"
    assert back["cancel_url"] == f"http://testserver{METHODS}?cancelled=1"
    status, _, headers = post_form(hosted, CARD_FORM)
    assert status == 303
    returned = customer_client.get(urllib.parse.urlsplit(headers["Location"]).path, follow=True)
    page = text(returned)
    assert "Visa ending 4242 is added. It is your default payment method." in page
    assert '<td data-label="Method">Visa ending 4242</td>' in page
    again = customer_client.get(urllib.parse.urlsplit(headers["Location"]).path)
    assert again.status_code == 302
    assert PaymentMethod.objects.count() == 1


def test_a_teammate_adds_a_wallet(teammate, teammate_client, gateway_server):
    hosted = teammate_client.post(ADD, {"kind": "wallet"})["Location"]
    _, _, headers = post_form(hosted, {"email": "grace@example.com"})
    teammate_client.get(urllib.parse.urlsplit(headers["Location"]).path)
    method = PaymentMethod.objects.get()
    assert (method.kind, method.payer) == ("wallet", teammate)


def test_coming_back_before_finishing_says_so(customer, customer_client, gateway_server):
    customer_client.post(ADD, {"kind": "card"})
    session = SetupSession.objects.get()
    response = customer_client.get(reverse("billing:method_return", args=[session.pk]))
    assert response.status_code == 200
    assert "the secure form was not completed" in text(response)
    assert "Check again" in text(response)


def test_a_cancelled_visit_says_nothing_was_added(customer_client):
    assert "Nothing was added" in text(customer_client.get(METHODS + "?cancelled=1"))


def test_an_unreachable_gateway_is_told_on_the_list(customer_client, settings):
    settings.TEST_GATEWAY_URL = "http://127.0.0.1:9"
    response = customer_client.post(ADD, {"kind": "card"}, follow=True)
    assert "The payment service could not be reached" in text(response)
    assert not SetupSession.objects.exists()


def test_an_unknown_kind_is_refused(customer_client, gateway_server):
    response = customer_client.post(ADD, {"kind": "cash"}, follow=True)
    assert "Choose a card or a wallet" in text(response)
    assert not SetupSession.objects.exists()


# --- SEPA ------------------------------------------------------------------------------------


def test_the_sepa_form_adds_a_mandate(customer_client, gateway_server):
    page = text(customer_client.get(SEPA))
    assert '<label for="id_iban">IBAN</label>' in page
    assert "I authorise these debits" in page
    response = customer_client.post(SEPA, SEPA_FORM, follow=True)
    assert "SEPA Direct Debit ending 3000 is added." in text(response)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"iban": "DE89 3704 0044 0532 0130 01"}, "iban", "This IBAN is not valid"),
        ({"holder_name": ""}, "holder_name", "Enter the account holder's name."),
        ({"iban": ""}, "iban", "Enter the IBAN of the account to debit."),
        ({"authorise": ""}, "authorise", "Tick the box to authorise the debits"),
    ],
)
def test_the_sepa_form_names_the_field_at_fault(
    customer_client, gateway_server, change, field, message
):
    response = customer_client.post(SEPA, {**SEPA_FORM, **change})
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not PaymentMethod.objects.exists()


def test_the_sepa_form_is_not_offered_to_an_account_billed_in_pounds(customer, customer_client):
    BillingAccount.objects.create(customer=customer.customer, currency="GBP")
    page = text(customer_client.get(SEPA))
    assert "only for accounts billed in euros" in page
    assert 'name="iban"' not in page


# --- default and removal ---------------------------------------------------------------------


def test_another_method_is_made_the_default(customer, customer_client, gateway_server):
    first = a_payment_method(customer)
    second = a_payment_method(customer, brand="mastercard", last4="4444", default=False)
    response = customer_client.post(reverse("billing:method_default", args=[second.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)


def test_removing_asks_first_then_removes(customer, customer_client, gateway_server):
    first = a_payment_method(customer)
    a_payment_method(customer, brand="mastercard", last4="4444", default=False)
    url = reverse("billing:method_remove", args=[first.pk])
    page = text(customer_client.get(url))
    assert "Remove Visa ending 4242?" in page
    assert "Mastercard ending 4444 will become the default" in page
    first.refresh_from_db()
    assert first.status == MethodStatus.ACTIVE
    response = customer_client.post(url, follow=True)
    assert "Visa ending 4242 is removed." in text(response)
    first.refresh_from_db()
    assert first.status == MethodStatus.REMOVED
    assert customer_client.get(url).status_code == 404


def test_removing_the_only_method_warns_that_nothing_will_be_charged(customer, customer_client):
    method = a_payment_method(customer)
    page = text(customer_client.get(reverse("billing:method_remove", args=[method.pk])))
    assert "It is your only payment method" in page
