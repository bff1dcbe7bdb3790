"""Fixtures for billing's tests (see tests/billing/support.py)."""

from __future__ import annotations

import pytest

from clientvault.accounts.models import Person, User
from tests.accounts import personas
from tests.billing.gateway_server import gateway_server
from tests.billing.support import nimbus_account

customer = personas.customer
outsider = personas.outsider
teammate = personas.teammate
staff = personas.staff
__all__ = ["gateway_server"]  # the test gateway, for every billing test that asks for it


@pytest.fixture
def nimbus(db: None) -> Person:
    return nimbus_account()


@pytest.fixture
def billing_staff(staff) -> User:
    return staff("billing")
