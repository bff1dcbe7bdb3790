"""Changing the e-mail address asks for the password again first (SEC-2, CTL-1)."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.accounts.models import Person, ProfileChange
from clientvault.accounts.services.sessions import REAUTH_AT
from tests.accounts import mailutil, personas
from tests.accounts.mailutil import body, deliver_mail

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer, outsider = personas.customer, personas.outsider
smtp_server = mailutil.smtp_server
EMAIL = reverse("accounts:profile_email")


def confirmed(person) -> Client:
    """Signed in, with the password typed again just now."""
    client = personas.sign_in(Client(), person.user)
    session = client.session
    session[REAUTH_AT] = time.time()
    session.save()
    return client


def test_it_asks_for_the_password_again_first(customer):
    client = personas.sign_in(Client(), customer.user)
    session = client.session
    session[REAUTH_AT] = time.time() - 600
    session.save()
    response = client.get(EMAIL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:reauth"))
    assert "next=" in response.url


def test_it_changes_the_address_after_the_password(customer):
    client = confirmed(customer)
    assert client.get(EMAIL).status_code == 200
    response = client.post(EMAIL, {"email": "Ada.Lovelace@Example.org"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
    assert Person.objects.get(pk=customer.pk).email == "Ada.Lovelace@example.org"
    change = ProfileChange.objects.get(field="email")
    assert (change.old_value, change.new_value) == ("ada@example.com", "Ada.Lovelace@example.org")


def test_it_refuses_an_address_another_person_uses(customer, outsider):
    response = confirmed(customer).post(EMAIL, {"email": "otto@example.net"})
    assert response.context["form"].errors["email"] == [
        "E-mail address: another account already uses this address."
    ]


def test_an_empty_address_is_refused_naming_the_field(customer):
    response = confirmed(customer).post(EMAIL, {"email": ""})
    assert response.context["form"].errors["email"] == ["New e-mail address is required."]


def test_it_tells_the_old_address_without_a_link(customer, smtp_server):
    confirmed(customer).post(EMAIL, {"email": "ada.new@example.org"})
    assert deliver_mail() == 1
    notice = smtp_server.wait_for("ada@example.com")
    assert notice["Subject"] == "Your e-mail address was changed"
    text = body(notice)
    assert "http" not in text
    assert "ada.new@example.org" not in text  # the new address is not given away
    assert not smtp_server.to("ada.new@example.org")


def test_the_old_address_is_told_how_to_reach_support(customer, smtp_server):
    confirmed(customer).post(EMAIL, {"email": "ada.new@example.org"})
    assert deliver_mail() == 1
    text = body(smtp_server.wait_for("ada@example.com"))
    assert "contact support straight away at support@example.com or +1 703-555-0100" in text
