"""The "card expiring" notice: once per method, for default methods expiring this month or next."""

from __future__ import annotations

import datetime

import pytest

from clientvault.accounts.models import ClientLogEntry, ClientLogEvent
from clientvault.billing.services.expiry import notify_expiring_methods
from clientvault.messaging.models import Message
from tests.billing.methods_support import a_payment_method

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
TODAY = datetime.date(2031, 12, 10)


def expiring(person, year: int, month: int, *, default: bool = True):
    method = a_payment_method(person, default=default)
    method.exp_year, method.exp_month = year, month
    method.save(update_fields=["exp_year", "exp_month"])
    return method


def test_a_card_expiring_next_month_is_announced_once(customer):
    method = expiring(customer, 2032, 1)
    assert notify_expiring_methods(today=TODAY) == 1
    assert notify_expiring_methods(today=TODAY) == 0
    method.refresh_from_db()
    assert method.expiry_notice_sent_on == TODAY
    [notice] = Message.objects.filter(kind="billing.card_expiring")
    assert notice.subject_id == customer.subject_id
    entry = ClientLogEntry.objects.get(event=ClientLogEvent.PAYMENT_METHOD_EXPIRING)
    assert "ending 4242" in entry.detail
    assert "01/2032" in entry.detail


def test_a_card_valid_for_longer_is_not_announced(customer):
    expiring(customer, 2032, 3)
    assert notify_expiring_methods(today=TODAY) == 0


def test_a_method_that_is_not_the_default_is_not_announced(customer):
    expiring(customer, 2031, 12, default=False)
    assert notify_expiring_methods(today=TODAY) == 0
    assert not Message.objects.filter(kind="billing.card_expiring").exists()
