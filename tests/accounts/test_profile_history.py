"""The profile history: each change old -> new, who (a role), when and how (CTL-1)."""

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.accounts.models import Channel, Permission, ProfileChange
from clientvault.accounts.services.customers import update_person
from tests.accounts import personas

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer, outsider = personas.customer, personas.outsider
HISTORY = reverse("accounts:profile_history")


def history_of(person, query="") -> str:
    response = personas.sign_in(Client(), person.user).get(HISTORY + query)
    assert response.status_code == 200
    return response.content.decode()


def test_it_has_an_empty_state(customer):
    assert "No changes yet" in history_of(customer)


def test_it_shows_old_and_new_with_a_role_and_the_channel(customer):
    update_person(
        person=customer, changes={"city": "Oxford"}, actor=customer.user, channel=Channel.ONLINE
    )
    staff = personas.make_staff("support")
    update_person(
        person=customer, changes={"region": "Oxfordshire"}, actor=staff, channel=Channel.TELEPHONE
    )
    page = history_of(customer)
    assert "London" in page
    assert "Oxford" in page
    assert "Town or city" in page
    assert ">you</td>" in page
    assert ">Online form</td>" in page
    assert ">staff: support</td>" in page
    assert ">Telephone</td>" in page
    assert "(empty)" in page  # the region had no value before
    assert staff.username not in page


def test_it_is_paginated_by_25(customer):
    for number in range(26):
        update_person(
            person=customer,
            changes={"address_line2": f"Flat {number}"},
            actor=customer.user,
            channel=Channel.ONLINE,
        )
    assert ProfileChange.objects.count() == 26
    first = history_of(customer)
    assert "Page 1 of 2" in first
    assert "Flat 25" in first
    assert "(empty)" not in first  # the first change, from nothing to "Flat 0", is the oldest
    assert "(empty)" in history_of(customer, "?page=2")


def test_it_shows_only_the_persons_own_changes(customer, outsider):
    update_person(
        person=customer, changes={"city": "Oxford"}, actor=customer.user, channel=Channel.ONLINE
    )
    assert "Oxford" not in history_of(outsider)


def test_a_teammate_on_the_same_account_sees_only_their_own_changes(customer):
    everything = [str(p) for p in Permission.values]
    teammate = personas.add_authorised_user(
        customer, username="grace", email="grace@example.com", permissions=everything
    )
    update_person(
        person=customer, changes={"city": "Oxford"}, actor=customer.user, channel=Channel.ONLINE
    )
    update_person(
        person=teammate, changes={"city": "Cambridge"}, actor=teammate.user, channel=Channel.ONLINE
    )
    teammates_page, owners_page = history_of(teammate), history_of(customer)
    assert "Cambridge" in teammates_page
    assert "Oxford" not in teammates_page
    assert "Oxford" in owners_page
    assert "Cambridge" not in owners_page
