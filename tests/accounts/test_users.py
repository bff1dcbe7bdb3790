"""The authorised-users pages (COL-5): list, permissions, removal; contacts permission needed."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientvault.accounts.models import ClientLogEntry, Person, User, UserSession
from clientvault.accounts.services.people import set_permissions
from tests.accounts import personas

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer, teammate, outsider = personas.customer, personas.teammate, personas.outsider
USERS = reverse("accounts:users")


def client_of(person) -> Client:
    return personas.sign_in(Client(), person.user)


def edit_url(person) -> str:
    return reverse("accounts:user_edit", args=[person.pk])


def remove_url(person) -> str:
    return reverse("accounts:user_remove", args=[person.pk])


def test_the_owner_alone_sees_an_empty_state(customer):
    page = client_of(customer).get(USERS).content.decode()
    assert "No authorised users yet" in page
    assert "No invitations waiting." in page
    assert "ada@example.com" in page
    assert "(you)" in page


def test_the_owner_sees_the_people_and_their_permissions(customer, teammate):
    page = client_of(customer).get(USERS).content.decode()
    assert "grace@example.com" in page
    assert "Billing and invoices, Support tickets" in page
    assert edit_url(teammate) in page
    assert remove_url(teammate) in page
    assert edit_url(customer) not in page
    assert remove_url(customer) not in page


@pytest.mark.parametrize("page", ["users", "user_invite", "user_edit", "user_remove"])
def test_a_teammate_without_contacts_gets_403(customer, teammate, page):
    args = [teammate.pk] if page in {"user_edit", "user_remove"} else []
    url = reverse(f"accounts:{page}", args=args)
    client = client_of(teammate)
    assert client.get(url).status_code == 403
    if page != "users":  # the list takes no POST (405 before anything is looked at)
        assert client.post(url, {"permissions": ["contacts"]}).status_code == 403
    assert Person.objects.get(pk=teammate.pk).permissions == ["billing", "support"]


def test_an_outsider_gets_404_for_another_accounts_people(teammate, outsider):
    client = client_of(outsider)
    assert client.get(edit_url(teammate)).status_code == 404
    assert client.post(remove_url(teammate)).status_code == 404
    assert Person.objects.get(pk=teammate.pk).user_id is not None
    assert "grace@example.com" not in client.get(USERS).content.decode()


def test_the_owner_has_no_permissions_page(customer):
    assert client_of(customer).get(edit_url(customer)).status_code == 404
    assert client_of(customer).post(remove_url(customer)).status_code == 404


def test_the_owner_changes_permissions(customer, teammate):
    client = client_of(customer)
    page = client.get(edit_url(teammate)).content.decode()
    ticked = re.findall(r'name="permissions" value="(\w+)"[^>]* checked>', page)
    assert ticked == ["billing", "support"]
    response = client.post(edit_url(teammate), {"permissions": ["domains", "services"]})
    assert response.status_code == 302
    assert response.url == USERS
    assert Person.objects.get(pk=teammate.pk).permissions == ["services", "domains"]
    entry = ClientLogEntry.objects.get(event="permissions_changed")
    assert entry.detail == "Hosting services, Domains"
    assert entry.actor_label == "the account owner"


def test_an_unknown_permission_is_named(customer, teammate):
    response = client_of(customer).post(edit_url(teammate), {"permissions": ["root"]})
    assert response.context["form"].errors["permissions"][0].startswith("Permissions: Select")


def test_a_contacts_holder_cannot_hand_out_more_than_they_hold(customer, teammate):
    set_permissions(person=teammate, permissions=["contacts", "support"], actor=customer.user)
    other = personas.add_authorised_user(customer, username="linus", email="linus@example.org")
    response = client_of(teammate).post(edit_url(other), {"permissions": ["billing"]})
    assert response.status_code == 200
    assert "do not hold it yourself" in response.content.decode()
    assert Person.objects.get(pk=other.pk).permissions == []


def test_removing_asks_first_then_signs_the_user_out_everywhere(customer, teammate):
    now = timezone.now()
    UserSession.objects.create(
        user=teammate.user,
        subject=teammate.subject,
        key_digest="s" * 64,
        created_at=now,
        last_seen_at=now,
    )
    teammate_client = client_of(teammate)
    assert teammate_client.get(reverse("accounts:dashboard")).status_code == 200
    client = client_of(customer)
    assert "signed out everywhere" in client.get(remove_url(teammate)).content.decode()
    response = client.post(remove_url(teammate))
    assert response.status_code == 302
    assert response.url == USERS
    assert not User.objects.get(pk=teammate.user.pk).is_active
    assert not UserSession.objects.filter(user=teammate.user).exists()
    assert teammate_client.get(reverse("accounts:dashboard")).status_code == 302  # signed out
    assert "grace@example.com" not in client.get(USERS).content.decode()
    assert ClientLogEntry.objects.filter(event="user_removed").exists()
    assert client.get(remove_url(teammate)).status_code == 404


def test_removing_needs_get_or_post(customer, teammate):
    assert client_of(customer).delete(remove_url(teammate)).status_code == 405
