"""Account numbers: random, and never one an account already has."""

import secrets

import pytest

from clientvault.accounts.models import Customer
from tests.accounts import personas

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer, outsider = personas.customer, personas.outsider


def test_a_number_in_use_is_drawn_again(customer, monkeypatch):
    taken = int(customer.customer.number.removeprefix("CV-")) - 1_000_000
    draws = iter([taken, taken, 42])
    monkeypatch.setattr(secrets, "randbelow", lambda limit: next(draws))
    other = personas.open_test_account(username="otto", details=personas.OUTSIDER_DETAILS)
    assert other.customer.number == "CV-1000042"
    assert Customer.objects.filter(number=customer.customer.number).count() == 1


def test_numbers_are_seven_digits_after_cv(customer, outsider):
    for number in (customer.customer.number, outsider.customer.number):
        assert number.startswith("CV-")
        assert len(number) == 10
        assert number[3:].isdigit()
