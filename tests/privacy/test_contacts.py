# ruff: noqa: F811  (pytest fixtures imported from personas)
"""Finding the subjects that hold an e-mail address, through the inventory only."""

from __future__ import annotations

import pytest

from clientvault.accounts.models import User
from clientvault.privacy.contacts import email_indexes, subjects_with_email
from clientvault.privacy.services.erasure import shred_subject
from clientvault.privacy.services.subjects import create_subject
from tests.accounts.personas import customer  # noqa: F401
from tests.kernelapp.helpers import make_contact

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_it_finds_a_test_contact_by_its_address_in_any_case():
    contact = make_contact(name="Grace", email="grace@example.org")
    make_contact(name="Linus", email="linus@example.org")
    assert subjects_with_email("Grace@EXAMPLE.org") == {contact.subject_id}


def test_it_finds_a_customer_by_the_address_on_their_person(customer):
    assert subjects_with_email("ada@example.com") == {customer.subject_id}


def test_it_finds_a_staff_login_by_its_own_address():
    login = User(username="staff-ops", email="ops@example.net", subject=create_subject(actor=None))
    login.save()
    assert subjects_with_email("ops@example.net") == {login.subject_id}


def test_it_finds_every_subject_that_shares_an_address(customer):
    other = make_contact(name="Ada's namesake", email="ada@example.com")
    assert subjects_with_email("ada@example.com") == {customer.subject_id, other.subject_id}


def test_it_finds_no_one_for_an_unknown_or_empty_address(customer):
    assert subjects_with_email("nobody@example.com") == set()
    assert subjects_with_email("") == set()


def test_it_finds_no_one_once_the_subject_is_erased():
    contact = make_contact(name="Grace", email="grace@example.org")
    shred_subject(subject=contact.subject, actor=None, reason="request:1")
    assert subjects_with_email("grace@example.org") == set()


def test_it_searches_only_declared_email_columns_with_a_blind_index():
    searched = {(i.model._meta.label, i.index.name, i.subject_path) for i in email_indexes()}
    assert ("kernelapp.Contact", "email_index", "subject") in searched
    assert ("accounts.Person", "email_index", "subject") in searched
    assert ("accounts.User", "email_index", "subject") in searched
    # The outbox's copy of an address is not where a person is on record.
    assert not any(label == "messaging.Message" for label, _, _ in searched)
