"""Shared test personas: who visits the customer area and the back office.

Import the fixtures a test module uses (pytest finds fixtures imported into a test module)::

    from tests.accounts.personas import customer, customer_client, outsider  # noqa: F401

- ``customer``: the owner of an individual account (a Person; ``customer.user`` signs in).
- ``teammate``: an authorised user of the same account, with billing and support permissions.
- ``outsider``: the owner of another account.
- ``staff``: a factory, ``staff("support")`` gives a staff user of that role (a group) with a
  confirmed authenticator (``add_authenticator``); ``staff_users`` gives one per StaffRole.
- ``*_client``: Django test clients already signed in as that persona; staff clients have
  passed their second factor (the session holds the device, as ``django_otp.login`` does).

Every persona signs in with ``PASSWORD``. Everyone, staff included, has a Subject.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from clientvault.accounts.models import (
    AuthenticatorDevice,
    Channel,
    CustomerKind,
    Permission,
    Person,
    PersonRole,
    StaffRole,
    User,
)
from clientvault.accounts.services.customers import open_account
from clientvault.accounts.services.subjects import ensure_subject
from clientvault.accounts.services.twofactor import new_totp_key
from clientvault.privacy.services.policy import publish_policy
from clientvault.privacy.services.subjects import create_subject

PASSWORD = "correct-horse-battery-staple-42"

OWNER_DETAILS = {
    "given_name": "Ada",
    "family_name": "Lovelace",
    "email": "ada@example.com",
    "phone": "020 7946 0018",
    "address_line1": "12 Marylebone Road",
    "city": "London",
    "postal_code": "NW1 5LR",
    "country": "GB",
}
OUTSIDER_DETAILS = {
    "given_name": "Otto",
    "family_name": "Mallory",
    "email": "otto@example.net",
    "phone": "030 1234567",
    "address_line1": "Unter den Linden 1",
    "city": "Berlin",
    "postal_code": "10117",
    "country": "DE",
}
TEAMMATE_PERMISSIONS = [Permission.BILLING.value, Permission.SUPPORT.value]


def open_test_account(
    *, username: str, details: dict[str, str], kind: str = CustomerKind.INDIVIDUAL, **extra: Any
) -> Person:
    """An account opened online through the real service; returns its owner."""
    customer = open_account(
        kind=kind,
        details=details,
        username=username,
        password=PASSWORD,
        channel=Channel.ONLINE,
        actor=None,
        policy_version=publish_policy(),
        **extra,
    )
    return Person.objects.select_related("user", "customer", "subject").get(
        customer=customer, role=PersonRole.OWNER
    )


def add_authorised_user(
    owner: Person, *, username: str, email: str, permissions: Iterable[str] = ()
) -> Person:
    """An authorised user on the owner's account, with a login and the given permissions."""
    subject = create_subject(actor=None)
    user = User(username=username, subject=subject)
    user.set_password(PASSWORD)
    user.save()
    person = Person(
        subject=subject,
        customer=owner.customer,
        user=user,
        role=PersonRole.AUTHORISED_USER,
        permissions=[str(p) for p in permissions],
        given_name=username.title(),
        family_name="Teammate",
        email=email,
        created_channel=Channel.ONLINE,
    )
    person.save()
    return person


def make_staff(role: str, *, username: str | None = None) -> User:
    """A staff user in the role's group, with a subject and a confirmed TOTP device."""
    user = User(
        username=username or f"staff-{role}", is_staff=True, subject=create_subject(actor=None)
    )
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    add_authenticator(user)
    return user


def add_authenticator(user: User) -> AuthenticatorDevice:
    """A confirmed authenticator with a random secret (sealed for the login's subject)."""
    return AuthenticatorDevice.objects.create(
        user=user, subject=ensure_subject(user), key=new_totp_key(), name="authenticator"
    )


def sign_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def sign_in_staff(client: Client, user: User) -> Client:
    """Signed in, and past the second factor with the user's confirmed TOTP device."""
    client.force_login(user)
    device = AuthenticatorDevice.objects.get(user=user, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def customer(db: None) -> Person:
    return open_test_account(username="ada", details=OWNER_DETAILS)


@pytest.fixture
def teammate(customer: Person) -> Person:
    return add_authorised_user(
        customer, username="grace", email="grace@example.com", permissions=TEAMMATE_PERMISSIONS
    )


@pytest.fixture
def outsider(db: None) -> Person:
    return open_test_account(username="otto", details=OUTSIDER_DETAILS)


@pytest.fixture
def staff(db: None) -> Callable[[str], User]:
    made: dict[str, User] = {}

    def factory(role: str) -> User:
        if role not in made:
            made[role] = make_staff(role)
        return made[role]

    return factory


@pytest.fixture
def staff_users(staff: Callable[[str], User]) -> dict[str, User]:
    return {role.value: staff(role.value) for role in StaffRole}


@pytest.fixture
def customer_client(customer: Person) -> Client:
    return sign_in(Client(), customer.user)  # type: ignore[arg-type]


@pytest.fixture
def teammate_client(teammate: Person) -> Client:
    return sign_in(Client(), teammate.user)  # type: ignore[arg-type]


@pytest.fixture
def outsider_client(outsider: Person) -> Client:
    return sign_in(Client(), outsider.user)  # type: ignore[arg-type]


@pytest.fixture
def staff_client(staff: Callable[[str], User]) -> Callable[[str], Client]:
    """``staff_client("support")``: a client signed in as that role, second factor passed."""

    def factory(role: str) -> Client:
        return sign_in_staff(Client(), staff(role))

    return factory
