# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas and gateway_server)
"""What goes to the payment processor (SHR-4): only the profile's processor categories, each
hand-over in the disclosure register, the gateway's customer made once per account."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clientvault.billing.errors import BillingError
from clientvault.billing.models import BillingAccount, GatewayCustomer, PaymentMethod
from clientvault.billing.services.handover import disclose_charge, gateway_customer_ref
from clientvault.privacy.models import AuditEvent, Disclosure, DisclosureGround, RecipientKind
from clientvault.privacy.profile import PRESETS_DIR, current_profile
from tests.accounts.parallel import in_parallel, needs_postgresql
from tests.accounts.personas import customer, teammate  # noqa: F401
from tests.billing.gateway_server import gateway_server  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
PROCESSOR = '"user.name", "user.contact.address", "user.financial.credit_card", '


@pytest.fixture
def use_profile(settings, tmp_path):
    """The need-to-know preset with some of its text replaced."""

    def switch(old: str, new: str) -> None:
        text = (PRESETS_DIR / "need-to-know.toml").read_text()
        assert old in text
        path = Path(tmp_path / "policy.toml")
        path.write_text(text.replace(old, new))
        settings.CLIENTVAULT_POLICY = path
        current_profile.cache_clear()

    return switch


def gateway_customers(gateway_server):
    return gateway_server.store.all("SELECT * FROM customers")


def test_the_gateway_gets_the_owners_name_and_address_once(customer, gateway_server):
    reference = gateway_customer_ref(customer=customer.customer, actor=customer.user)
    assert gateway_customer_ref(customer=customer.customer, actor=customer.user) == reference
    [sent] = gateway_customers(gateway_server)
    assert sent["id"] == reference
    assert sent["name"] == "Ada Lovelace"
    assert json.loads(sent["address"]) == {
        "address_line1": "12 Marylebone Road",
        "address_line2": "",
        "city": "London",
        "postal_code": "NW1 5LR",
        "country": "GB",
    }
    assert GatewayCustomer.objects.get().reference == reference
    [disclosure] = Disclosure.objects.all()
    assert disclosure.subject_id == customer.subject_id
    assert disclosure.recipient_kind == RecipientKind.PAYMENT_PROCESSOR
    assert disclosure.recipient == "Test payment gateway"
    assert disclosure.ground == DisclosureGround.CONTRACT
    assert disclosure.categories == ["user.name", "user.contact.address"]
    event = AuditEvent.objects.get(action="billing.gateway_customer.created")
    assert event.details == {"gateway": "test", "categories": disclosure.categories}


def test_the_billing_contact_is_sent_in_place_of_the_owner(customer, teammate, gateway_server):
    BillingAccount.objects.create(customer=customer.customer, contact=teammate)
    gateway_customer_ref(customer=customer.customer, actor=customer.user)
    [sent] = gateway_customers(gateway_server)
    assert sent["name"] == "Grace Teammate"
    assert Disclosure.objects.get().subject_id == teammate.subject_id


def test_a_category_the_profile_keeps_from_the_processor_is_not_sent(
    customer, gateway_server, use_profile
):
    use_profile(PROCESSOR, '"user.name", "user.financial.credit_card", ')
    gateway_customer_ref(customer=customer.customer, actor=customer.user)
    [sent] = gateway_customers(gateway_server)
    assert sent["name"] == "Ada Lovelace"
    assert set(json.loads(sent["address"]).values()) == {""}
    assert Disclosure.objects.get().categories == ["user.name"]


@pytest.mark.django_db(transaction=True, databases=["default", "keys"])
def test_racing_requests_make_one_customer_at_the_gateway(customer, gateway_server):
    needs_postgresql()
    references = in_parallel(
        4, lambda n: gateway_customer_ref(customer=customer.customer, actor=None)
    )
    assert len(set(references)) == 1
    assert len(gateway_customers(gateway_server)) == 1
    assert GatewayCustomer.objects.count() == 1


def a_method(person, kind="card") -> PaymentMethod:
    method = PaymentMethod(customer=person.customer, payer=person, gateway="test", kind=kind)
    method.save()
    return method


@pytest.mark.parametrize(
    ("kind", "categories"),
    [
        ("card", ["user.financial.credit_card", "user.financial"]),
        ("sepa", ["user.financial.bank_account", "user.financial"]),
        ("wallet", ["user.financial"]),
    ],
)
def test_a_charge_discloses_the_methods_token_and_the_amount(customer, kind, categories):
    disclose_charge(method=a_method(customer, kind), actor=None)
    disclosure = Disclosure.objects.get()
    assert disclosure.categories == categories
    assert disclosure.subject_id == customer.subject_id
    assert disclosure.recipient_kind == RecipientKind.PAYMENT_PROCESSOR


def test_a_charge_the_profile_does_not_allow_is_refused_before_anything_is_sent(
    customer, use_profile
):
    use_profile(PROCESSOR, '"user.name", "user.contact.address", ')
    with pytest.raises(BillingError) as refused:
        disclose_charge(method=a_method(customer), actor=None)
    assert refused.value.code == "disclosure_refused"
    assert not Disclosure.objects.exists()
