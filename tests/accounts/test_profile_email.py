"""Changing the e-mail address asks for the password again first (SEC-2, CTL-1)."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.accounts.models import Person, ProfileChange
from clientvault.accounts.services.sessions import REAUTH_AT
from tests.accounts import mailutil, personas
from tests.accounts.confirmutil import follow, path_of, queued_links
from tests.accounts.mailutil import body, deliver_mail, link_in

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


def test_the_new_address_takes_effect_only_when_its_link_is_followed(customer):
    client = confirmed(customer)
    assert client.get(EMAIL).status_code == 200
    response = client.post(EMAIL, {"email": "Ada.Lovelace@Example.org"}, follow=True)
    assert response.redirect_chain[-1][0] == EMAIL
    page = response.content.decode()
    assert "We have sent a link to the new address" in page
    assert "A change is waiting" in page
    assert Person.objects.get(pk=customer.pk).email == "ada@example.com"
    assert not ProfileChange.objects.filter(field="email").exists()
    done = follow(client, queued_links(to="Ada.Lovelace@example.org")[-1])
    assert done.url == reverse("accounts:profile")
    person = Person.objects.get(pk=customer.pk)
    assert person.email == "Ada.Lovelace@example.org"
    assert person.email_confirmed_at > customer.email_confirmed_at
    change = ProfileChange.objects.get(field="email")
    assert (change.old_value, change.new_value) == ("ada@example.com", "Ada.Lovelace@example.org")
    assert change.actor_id == f"user:{customer.user.pk}"


def test_it_refuses_an_address_another_person_uses(customer, outsider):
    response = confirmed(customer).post(EMAIL, {"email": "otto@example.net"})
    assert response.context["form"].errors["email"] == [
        "E-mail address: another account already uses this address."
    ]
    assert not queued_links()


def test_an_empty_address_is_refused_naming_the_field(customer):
    response = confirmed(customer).post(EMAIL, {"email": ""})
    assert response.context["form"].errors["email"] == ["New e-mail address is required."]


def test_it_tells_the_old_address_when_asked_and_when_done(customer, smtp_server):
    client = confirmed(customer)
    client.post(EMAIL, {"email": "ada.new@example.org"})
    assert deliver_mail() == 2
    asked = smtp_server.wait_for("ada@example.com")
    assert asked["Subject"] == "A change of your e-mail address was asked for"
    text = body(asked)
    assert "/confirm-email/" not in text
    assert "ada.new@example.org" not in text  # the new address is not given away
    invitation = smtp_server.wait_for("ada.new@example.org")
    assert invitation["Subject"] == "Confirm your new e-mail address"
    follow(Client(), link_in(invitation))  # any browser: the link is what counts
    assert deliver_mail() == 1
    notice = smtp_server.to("ada@example.com")[-1]
    assert notice["Subject"] == "Your e-mail address was changed"
    assert "http" not in body(notice)
    assert "ada.new@example.org" not in body(notice)
    assert len(smtp_server.to("ada.new@example.org")) == 1


def test_the_change_waiting_can_be_cancelled(customer):
    client = confirmed(customer)
    client.post(EMAIL, {"email": "ada.new@example.org"})
    link = queued_links(to="ada.new@example.org")[-1]
    response = client.post(EMAIL, {"action": "withdraw"}, follow=True)
    assert "The change is cancelled" in response.content.decode()
    assert "A change is waiting" not in response.content.decode()
    opened = Client().get(path_of(link))
    assert "This link does not work" in opened.content.decode()
    assert Person.objects.get(pk=customer.pk).email == "ada@example.com"


def test_asking_again_replaces_the_change_waiting(customer):
    client = confirmed(customer)
    client.post(EMAIL, {"email": "first@example.org"})
    client.post(EMAIL, {"email": "second@example.org"})
    first = queued_links(to="first@example.org")[-1]
    assert "This link does not work" in Client().get(path_of(first)).content.decode()
    follow(Client(), queued_links(to="second@example.org")[-1])
    assert Person.objects.get(pk=customer.pk).email == "second@example.org"


def test_the_same_address_changes_nothing(customer):
    response = confirmed(customer).post(EMAIL, {"email": "ADA@example.com"})
    assert response.url == reverse("accounts:profile")
    assert not queued_links()


def test_the_old_address_is_told_how_to_reach_support(customer, smtp_server):
    confirmed(customer).post(EMAIL, {"email": "ada.new@example.org"})
    assert deliver_mail() == 2
    asked = body(smtp_server.wait_for("ada@example.com"))
    assert "contact support straight away at support@example.com or +1 703-555-0100" in asked
    follow(Client(), link_in(smtp_server.wait_for("ada.new@example.org")))
    assert deliver_mail() == 1
    done = body(smtp_server.to("ada@example.com")[-1])
    assert "contact support straight away at support@example.com or +1 703-555-0100" in done
