"""Billing's notices (billing.services.notices): to the billing contact, once per change."""

from __future__ import annotations

import pytest

from clientvault.billing import messages
from clientvault.billing.models import PaymentMethod
from clientvault.billing.services.notices import notify, notify_card_expiring
from clientvault.messaging.models import Message
from tests.billing.support import sent

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_every_billing_notice_is_service_mail_sent_whatever_the_marketing_choice():
    kinds = [
        messages.INVOICE_ISSUED,
        messages.PAYMENT_RECEIVED,
        messages.PAYMENT_FAILED,
        messages.CARD_EXPIRING,
    ]
    assert {kind.category for kind in kinds} == {"service"}
    assert {kind.purpose for kind in kinds} == {""}  # no consent needed at send time


def test_the_card_expiring_notice_names_the_card_by_brand_and_last_digits_once(customer):
    method = PaymentMethod(
        customer=customer.customer,
        payer=customer,
        gateway="test",
        kind="card",
        brand="visa",
        last4="4242",
        exp_month=1,
        exp_year=2027,
    )
    method.save()
    assert notify_card_expiring(method=method)
    assert notify_card_expiring(method=method)  # a job run twice
    assert sent("billing.card_expiring") == [
        {"method": "Visa ending 4242", "expires": "01/2027", "area_url": sent_url()}
    ]
    assert Message.objects.get().subject_id == customer.subject_id


def sent_url() -> str:
    return sent("billing.card_expiring")[0]["area_url"]


def test_nobody_is_written_to_without_an_address_on_record(customer):
    customer.email = ""
    customer.save()
    assert not notify(
        contact=customer, kind=messages.PAYMENT_FAILED, context={}, key="billing.test"
    )
    assert not notify(contact=None, kind=messages.PAYMENT_FAILED, context={}, key="billing.x")
    assert not Message.objects.exists()
