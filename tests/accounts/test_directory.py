"""The accounts app's answers to the kernel's directory (what rights learns without importing
accounts): who a login is, whom a name and address designate, the address on record."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clientvault.accounts.models import CustomerStatus
from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.directory import directory
from clientvault.privacy.services.erasure import erase_subject
from tests.accounts import personas

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer, teammate, outsider, staff = (
    personas.customer,
    personas.teammate,
    personas.outsider,
    personas.staff,
)


def test_it_identifies_a_customer_login_with_the_people_of_the_account(customer, teammate):
    identity = directory().identify(customer.user)
    assert identity is not None
    assert identity.subject_id == customer.subject_id
    assert identity.account == customer.customer.number
    assert identity.is_owner
    assert [p[0] for p in identity.people] == [customer.subject_id, teammate.subject_id]
    assert not directory().identify(teammate.user).may("privacy")


def test_staff_and_anonymous_visitors_are_nobody(staff):
    assert directory().identify(staff("support")) is None


def test_it_gives_the_address_on_record(customer):
    contact = directory().contact(customer.subject_id)
    assert contact is not None
    assert (contact.name, contact.email) == ("Ada Lovelace", "ada@example.com")


def test_a_name_and_address_match_only_together_whatever_the_case(customer):
    assert (
        directory().match(name="  ada   LOVELACE ", email="ADA@example.com") == customer.subject_id
    )
    assert directory().match(name="Ada Byron", email="ada@example.com") is None
    assert directory().match(name="Ada Lovelace", email="someone@example.com") is None


def test_an_erased_person_matches_no_one(customer):
    erase_subject(subject_id=customer.subject_id, actor=SYSTEM, reason="test")
    assert directory().match(name="Ada Lovelace", email="ada@example.com") is None


def test_it_lists_the_account_people_owner_first_and_its_number(customer, teammate):
    number = customer.customer.number
    assert directory().account_subjects(number) == [customer.subject_id, teammate.subject_id]
    assert directory().account_subjects("CV-0000000") == []
    assert directory().account_of(teammate.subject_id) == number
    assert directory().is_owner(customer.subject_id)
    assert not directory().is_owner(teammate.subject_id)


def test_closing_an_account_twice_closes_it_once(customer):
    number = customer.customer.number
    assert directory().close_account(account=number, actor=SYSTEM, reason="request:r-1")
    assert not directory().close_account(account=number, actor=SYSTEM, reason="request:r-1")
    customer.customer.refresh_from_db()
    assert customer.customer.status == CustomerStatus.CLOSED
    since = timezone.now() - datetime.timedelta(days=1)
    assert [a for a, _ in directory().closed_accounts(since=since)] == [number]


def test_it_lists_the_staff_of_a_role_with_their_address(staff):
    officer = staff("privacy_officer")
    officer.email = "officer@example.com"
    officer.save()
    assert directory().staff_contacts("privacy_officer") == [
        (officer.subject_id, "officer@example.com")
    ]
    assert directory().staff_contacts("legal") == []
