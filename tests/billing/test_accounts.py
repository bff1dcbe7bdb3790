"""Billing settings (billing.services.accounts): made on first need, contact and VAT number."""

from __future__ import annotations

import pytest

from clientvault.accounts.models import ClientLogEntry, ClientLogEvent
from clientvault.billing.errors import BillingError
from clientvault.billing.models import BillingAccount
from clientvault.billing.services.accounts import (
    billing_account_for,
    billing_contact,
    update_billing_details,
)
from clientvault.privacy.models import AuditEvent
from tests.accounts import personas

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_an_account_is_made_once_in_the_profiles_currency(customer):
    first = billing_account_for(customer.customer)
    again = billing_account_for(customer.customer)
    assert first.pk == again.pk
    assert BillingAccount.objects.count() == 1
    assert (first.currency, first.credit, first.vat_number) == ("EUR", 0, "")


def test_an_organisation_starts_with_its_vat_number(nimbus):
    assert billing_account_for(nimbus.customer).vat_number == "DE136695976"


def test_the_owner_is_the_billing_contact_until_another_is_chosen(customer, teammate):
    account = billing_account_for(customer.customer)
    assert billing_contact(account) == customer
    update_billing_details(
        customer=customer.customer, contact=teammate, vat_number="", actor=customer.user
    )
    assert billing_contact(BillingAccount.objects.get(pk=account.pk)) == teammate


def test_it_sets_the_contact_and_a_normalised_vat_number_audited_and_logged(
    customer, teammate, billing_staff
):
    teammate.country = "DE"
    teammate.save()
    account = update_billing_details(
        customer=customer.customer,
        contact=teammate,
        vat_number="de 136 695 976",
        actor=billing_staff,
    )
    assert (account.contact, account.vat_number) == (teammate, "DE136695976")
    entry = ClientLogEntry.objects.get(event=ClientLogEvent.BILLING_DETAILS_CHANGED)
    assert entry.detail == "Billing contact and VAT number changed"
    assert entry.actor_label == "staff: billing"
    assert entry.channel == "staff"
    event = AuditEvent.objects.get(action="billing.details_changed")
    assert event.details["vat_number_set"] is True
    assert "DE136695976" not in str(event.details)


def test_an_invalid_vat_number_is_refused_naming_the_field(customer):
    with pytest.raises(BillingError) as caught:
        update_billing_details(
            customer=customer.customer, contact=customer, vat_number="GB123", actor=customer.user
        )
    assert caught.value.field == "vat_number"
    assert "The VAT number is not valid" in caught.value.text
    assert not BillingAccount.objects.filter(vat_number__gt="").exists()


def test_a_vat_number_of_another_country_than_the_contacts_is_refused(customer):
    with pytest.raises(
        BillingError, match=r"another country \(DE\) than the billing address \(GB\)"
    ):
        update_billing_details(
            customer=customer.customer,
            contact=customer,
            vat_number="DE136695976",
            actor=customer.user,
        )


def test_the_contact_must_be_on_the_account(customer, outsider):
    with pytest.raises(BillingError) as caught:
        update_billing_details(
            customer=customer.customer, contact=outsider, vat_number="", actor=customer.user
        )
    assert caught.value.field == "contact"
    assert "a person on this account" in caught.value.text


def test_the_contact_needs_the_billing_permission(customer):
    helper = personas.add_authorised_user(
        customer, username="sam", email="sam@example.com", permissions=["support"]
    )
    with pytest.raises(BillingError, match="with the billing permission"):
        update_billing_details(
            customer=customer.customer, contact=helper, vat_number="", actor=customer.user
        )
