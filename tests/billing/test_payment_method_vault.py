# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""A payment method's token, holder name and billing address are sealed for the payer's
subject, though the row reaches that subject through the payer (``payer__subject``)."""

from __future__ import annotations

import pytest
from django.db import connection

from clientvault.billing.models import PaymentMethod
from clientvault.privacy import vault
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.reveal import reveal
from clientvault.privacy.services.erasure import shred_subject
from tests.accounts.personas import customer  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
CHARGING = SystemActor("billing.charging")


def saved_method(person) -> PaymentMethod:
    method = PaymentMethod(customer=person.customer, payer=person, gateway="test", kind="card")
    method.save()  # the row's id first: a sealed value is bound to it
    method.token = "pm_secret_token_1"
    method.holder_name = "Ada Lovelace"
    method.save()
    return method


def raw_column(pk: int, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM billing_paymentmethod WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def test_the_token_is_sealed_for_the_payer_and_opened_only_by_reveal(customer):
    method = saved_method(customer)
    assert "pm_secret_token_1" not in raw_column(method.pk, "token")
    assert "Lovelace" not in raw_column(method.pk, "holder_name")
    loaded = PaymentMethod.objects.get(pk=method.pk)
    assert loaded.token == vault.RESTRICTED
    assert reveal(loaded, "token", "payment_processing", CHARGING) == "pm_secret_token_1"


def test_a_sealed_token_survives_saving_the_row_again(customer):
    method = saved_method(customer)
    loaded = PaymentMethod.objects.get(pk=method.pk)
    loaded.is_default = True
    loaded.save()
    again = PaymentMethod.objects.get(pk=method.pk)
    assert reveal(again, "token", "payment_processing", CHARGING) == "pm_secret_token_1"


def test_shredding_the_payer_makes_the_token_unreadable(customer):
    method = saved_method(customer)
    shred_subject(subject=customer.subject, actor=None, reason="test")
    loaded = PaymentMethod.objects.get(pk=method.pk)
    assert isinstance(reveal(loaded, "token", "payment_processing", CHARGING), vault.Erased)
