"""What we hold about one person, by category, from the inventory ("Your privacy")."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clientvault.privacy.services.holdings import categories_held, labels_held
from tests.accounts import personas

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer, outsider = personas.customer, personas.outsider


def test_it_names_the_categories_held_and_where(customer):
    found = {c["key"]: c for c in categories_held(subject_id=customer.subject_id)}
    assert "user.contact.email" in found
    places = {h["model"] for h in found["user.contact.email"]["held_in"]}
    assert "accounts.Person" in places
    assert "user.financial.credit_card" not in found  # nothing of the kind is held for her


def test_another_persons_rows_do_not_count(customer, outsider):
    assert "accounts.Person" in labels_held(subject_id=customer.subject_id)
    assert labels_held(subject_id=outsider.subject_id) == labels_held(
        subject_id=customer.subject_id
    )


def test_it_asks_once_per_model_whatever_the_database_holds(customer):
    with CaptureQueriesContext(connection) as one:
        labels_held(subject_id=customer.subject_id)
    for n in range(5):
        personas.open_test_account(
            username=f"extra{n}",
            details={**personas.OUTSIDER_DETAILS, "email": f"extra{n}@example.net"},
        )
    with CaptureQueriesContext(connection) as more:
        labels_held(subject_id=customer.subject_id)
    assert len(one) == len(more)
