"""A login's name and e-mail address are sealed in the vault for its subject (accounts.User)."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clientvault.accounts.models import User
from clientvault.accounts.services.erasure import pseudonym
from clientvault.accounts.services.staff import create_staff_login
from clientvault.privacy import vault
from clientvault.privacy.fields import lookup
from clientvault.privacy.services.erasure import shred_subject
from clientvault.privacy.services.subjects import create_subject
from tests.accounts.columns import stored_columns

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

NAME = {"first_name": "Grace", "last_name": "Hopper", "email": "Grace@Staff.Example"}


def test_it_keeps_the_name_and_email_out_of_the_database_in_clear():
    user = User.objects.create_user(username="grace", password="x", **NAME)
    stored = stored_columns(user)
    for name in ("first_name", "last_name", "email"):
        assert str(stored[name]).startswith(vault.TOKEN_PREFIX), name
    everything = " ".join(str(v) for v in stored.values()).casefold()
    assert "grace" not in everything
    assert "hopper" not in everything
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.first_name, fresh.last_name) == ("Grace", "Hopper")
    assert fresh.email == "Grace@staff.example"  # Django lower-cases the domain


def test_it_finds_the_login_by_its_email_index_in_any_case():
    user = User.objects.create_user(username="grace", **NAME)
    found = User.objects.filter(**lookup(User, "email_index", " grace@staff.EXAMPLE "))
    assert list(found) == [user]


def test_it_reads_the_name_as_erased_once_the_subject_is_shredded():
    user = User.objects.create_user(username="grace", **NAME)
    shred_subject(subject=user.subject_id, actor=None, reason="test")
    vault.reset_caches()
    fresh = User.objects.get(pk=user.pk)
    assert fresh.first_name == vault.ERASED
    assert fresh.email == vault.ERASED
    assert fresh.get_full_name() == f"{vault.ERASED} {vault.ERASED}"
    assert stored_columns(user)["email_index"] is None
    assert fresh.username == pseudonym(fresh)  # the plain sign-in name goes too
    assert not fresh.is_active


def test_it_gives_a_named_login_its_own_subject_and_an_unnamed_one_none():
    named = User.objects.create_user(username="grace", email="grace@staff.example")
    unnamed = User.objects.create_user(username="anon")
    assert named.subject_id is not None
    assert unnamed.subject_id is None


def test_it_keeps_the_subject_it_is_given():
    subject = create_subject(actor=None)
    user = User.objects.create_user(username="grace", subject=subject, **NAME)
    assert user.subject_id == subject.pk


def test_it_refuses_a_name_without_a_subject_and_writes_nothing():
    with pytest.raises(vault.CorruptValue, match="no subject to seal for"), transaction.atomic():
        User(username="nobody", first_name="No", last_name="Body").save()
    assert not User.objects.filter(username="nobody").exists()


def test_it_has_a_uuid_before_it_is_saved_and_seals_on_the_insert(django_assert_num_queries):
    subject = create_subject(actor=None)
    user = User(username="grace", subject=subject, **NAME)
    assert isinstance(user.pk, uuid.UUID)
    with django_assert_num_queries(1):  # one INSERT, no UPDATE after it
        user.save()
    assert str(stored_columns(user)["email"]).startswith(vault.TOKEN_PREFIX)
    assert User.objects.get(pk=user.pk).email == "Grace@Staff.Example"


def test_no_two_logins_share_an_email_address():
    User.objects.create_user(username="grace", **NAME)
    with pytest.raises(ValidationError) as refused:
        User.objects.create_user(username="grace2", email="GRACE@staff.example")
    assert refused.value.message_dict == {
        "email": ["E-mail address: another login already has this address."]
    }
    twin = User(username="grace3", email="grace@STAFF.example", subject=create_subject(actor=None))
    with pytest.raises(ValidationError, match="another login already has this address"):
        twin.full_clean(exclude=["password", "subject"])
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()  # past the friendly check, the database refuses it too
    assert User.objects.filter(username__startswith="grace").count() == 1


def test_logins_without_an_email_address_are_not_one_address():
    User.objects.create_user(username="anon1")
    User.objects.create_user(username="anon2", first_name="Anon")
    assert User.objects.filter(email_index__isnull=True).count() == 2


def test_it_seals_a_name_given_to_an_existing_login():
    user = User.objects.create_user(username="anon")
    user.subject = create_subject(actor=None)
    user.first_name = "Ada"
    user.save()
    assert str(stored_columns(user)["first_name"]).startswith(vault.TOKEN_PREFIX)
    assert User.objects.get(pk=user.pk).first_name == "Ada"


def test_it_refuses_filtering_by_the_plaintext_email():
    with pytest.raises(vault.CorruptValue):
        list(User.objects.filter(email="grace@staff.example"))


def test_a_new_staff_login_with_an_address_in_use_is_refused_naming_the_field():
    create_staff_login(username="grace", email="grace@staff.example", actor=None)
    with pytest.raises(ValidationError) as refused:
        create_staff_login(username="hopper", email="Grace@Staff.Example", actor=None)
    assert refused.value.message_dict["email"] == [
        "E-mail address: another login already has this address."
    ]
    assert not User.objects.filter(username="hopper").exists()
