"""Inviting an authorised user and joining by the link (COL-5): the pages."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientvault.accounts.models import ClientLogEntry, Invitation, Person, PersonRole
from clientvault.privacy.services.policy import accepted_version, publish_policy
from tests.accounts import personas
from tests.accounts.mailutil import deliver_mail

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer, teammate, outsider = personas.customer, personas.teammate, personas.outsider
INVITE = reverse("accounts:user_invite")
JOIN = {
    "given_name": "Katherine",
    "family_name": "Johnson",
    "username": "katherine",
    "password": personas.PASSWORD,
    "password_confirm": personas.PASSWORD,
    "accept_policy": "on",
}


def client_of(person) -> Client:
    return personas.sign_in(Client(), person.user)


def invite(owner, email="kj@example.org", permissions=("support", "domains")) -> str:
    """Invite through the page; the link from the e-mail that went out."""
    response = client_of(owner).post(INVITE, {"email": email, "permissions": list(permissions)})
    assert response.status_code == 302, response.context["form"].errors
    mail.outbox.clear()
    deliver_mail()
    (message,) = mail.outbox
    assert message.to == [email]
    return "/invitations/" + message.body.split("/invitations/", 1)[1].split()[0]


def join(client, link, **data):
    return client.post(link, {**JOIN, "policy_version": publish_policy().number, **data})


def test_the_invite_page_marks_nothing_optional_but_permissions(customer):
    page = client_of(customer).get(INVITE).content.decode()
    assert 'E-mail address <span class="optional">' not in page
    assert 'Permissions <span class="optional">(optional)</span>' in page
    assert 'value="privacy"' in page


def test_invite_form_errors_name_the_field(customer):
    client = client_of(customer)
    missing = client.post(INVITE, {"email": ""}).context["form"].errors
    assert missing["email"] == ["E-mail address is required to invite an authorised user."]
    bad = client.post(INVITE, {"email": "nobody"}).context["form"].errors
    assert bad["email"][0].startswith("E-mail address: Enter a valid e-mail address")
    assert not Invitation.objects.exists()


def test_the_invitation_is_listed_and_logged(customer):
    invite(customer)
    page = client_of(customer).get(reverse("accounts:users")).content.decode()
    assert "kj@example.org" in page
    assert "Withdraw" in page
    entry = ClientLogEntry.objects.get(event="user_invited")
    assert entry.detail == "Domains, Support tickets"
    assert "kj@" not in entry.detail


def test_the_invitee_joins_and_is_signed_in(customer):
    link = invite(customer)
    client = Client()
    page = client.get(link)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    assert "kj@example.org" in page.content.decode()
    assert 'Telephone <span class="optional">(optional)</span>' in page.content.decode()
    response = join(client, link)
    assert response.status_code == 302
    assert response.url == reverse("accounts:dashboard")
    person = Person.objects.get(user__username="katherine")
    assert person.role == PersonRole.AUTHORISED_USER
    assert person.customer == customer.customer
    assert person.permissions == ["domains", "support"]
    assert accepted_version(subject=person.subject) is not None
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert ClientLogEntry.objects.filter(event="user_joined", person=person).exists()
    assert Client().get(link).status_code == 404  # used once


def test_join_form_errors_name_the_field(customer, teammate):
    link = invite(customer)
    missing = join(Client(), link, given_name="").context["form"].errors
    assert missing["given_name"] == ["Given name is required to join the account."]
    taken = join(Client(), link, username="grace", phone="12").context["form"].errors
    assert taken["username"] == ["Username: this username is taken."]
    assert taken["phone"][0].startswith("Telephone: ")
    assert Invitation.objects.get().accepted_at is None


def test_an_unknown_or_expired_link_says_it_does_not_work(customer):
    link = invite(customer)
    Invitation.objects.update(expires_at=timezone.now())
    response = Client().get(link)
    assert response.status_code == 404
    assert "does not work" in response.content.decode()
    assert Client().get("/invitations/made-up").status_code == 404


def test_a_signed_in_person_is_asked_to_sign_out_first(customer, outsider):
    link = invite(customer)
    response = client_of(outsider).get(link)
    assert "sign out first" in response.content.decode()
    assert client_of(outsider).post(link, JOIN).status_code == 200
    assert Invitation.objects.get().accepted_at is None


def test_withdrawing_an_invitation_kills_its_link(customer, outsider):
    link = invite(customer)
    invitation = Invitation.objects.get()
    withdraw = reverse("accounts:invitation_revoke", args=[invitation.pk])
    assert client_of(outsider).post(withdraw).status_code == 404
    response = client_of(customer).post(withdraw)
    assert response.status_code == 302
    assert Client().get(link).status_code == 404


def test_a_teammate_without_contacts_cannot_invite_or_withdraw(customer, teammate):
    invite(customer)
    withdraw = reverse("accounts:invitation_revoke", args=[Invitation.objects.get().pk])
    assert client_of(teammate).post(withdraw).status_code == 403
    assert client_of(teammate).post(INVITE, {"email": "x@example.org"}).status_code == 403
    assert Invitation.objects.count() == 1
