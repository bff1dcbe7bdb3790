"""Creating a staff login (services.staff.create_staff_login): its own subject, sealed details."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from clientvault.accounts.models import User
from clientvault.accounts.services.auth import find_login_user
from clientvault.accounts.services.staff import create_staff_login
from clientvault.privacy import vault
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.models import AuditEvent
from tests.accounts.columns import stored_columns
from tests.accounts.personas import PASSWORD

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

ACTOR = SystemActor("test")


def new_staff(**overrides: str) -> User:
    details = {
        "username": "sam",
        "email": "Sam.Staff@host.example",
        "first_name": "Sam",
        "last_name": "Carter",
        "password": PASSWORD,
        **overrides,
    }
    return create_staff_login(**details, actor=ACTOR)


def test_it_creates_a_staff_login_with_its_own_subject_and_audits_it():
    user = new_staff()
    fresh = User.objects.get(pk=user.pk)
    assert fresh.is_staff
    assert not fresh.is_superuser
    assert fresh.subject_id is not None
    assert (fresh.first_name, fresh.last_name) == ("Sam", "Carter")
    assert fresh.check_password(PASSWORD)
    event = AuditEvent.objects.get(action="staff.login_created")
    assert event.subject_id == fresh.subject_id


def test_it_stores_no_detail_of_the_staff_member_in_clear():
    stored = stored_columns(new_staff())
    assert all(str(stored[n]).startswith(vault.TOKEN_PREFIX) for n in ("first_name", "email"))
    assert "carter" not in " ".join(map(str, stored.values())).casefold()


def test_it_finds_the_staff_login_by_its_email_in_any_case():
    user = new_staff()
    assert find_login_user("sam.staff@HOST.example") == user


def test_a_staff_member_signs_in_by_email():
    user = new_staff()
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "SAM.STAFF@host.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_gives_no_usable_password_without_one():
    user = create_staff_login(username="sam", email="sam@host.example", actor=ACTOR)
    assert not User.objects.get(pk=user.pk).has_usable_password()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"email": "not-an-address"}, "email"), ({"password": "short"}, "password")],
)
def test_it_refuses_an_invalid_email_or_password_naming_the_field(overrides, field):
    with pytest.raises(ValidationError) as error:
        new_staff(**overrides)
    assert field in error.value.message_dict
    assert not User.objects.exists()


def test_it_refuses_a_username_taken_in_any_case():
    new_staff()
    with pytest.raises(ValidationError) as error:
        new_staff(username="SAM", email="other@host.example")
    assert "username" in error.value.message_dict
    assert User.objects.count() == 1
