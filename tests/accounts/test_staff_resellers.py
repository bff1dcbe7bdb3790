# ruff: noqa: F811  (pytest fixtures imported from personas)
"""Marking an account a reseller's: staff granted the status purpose, audited, others refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import Customer, StaffRole
from clientvault.privacy.models import AuditEvent
from tests.accounts.personas import customer, customer_client, staff, staff_client  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(customer) -> str:
    return reverse("accounts:staff_reseller", args=[customer.customer.number])


def test_billing_staff_mark_an_account_a_resellers_and_back(customer, staff_client):
    client = staff_client(StaffRole.BILLING)
    response = client.post(url(customer), {"is_reseller": "yes"})
    assert response.url == reverse("accounts:staff_status", args=[customer.customer.number])
    assert Customer.objects.get(pk=customer.customer_id).is_reseller
    page = client.get(response.url).content.decode()
    assert "This account resells our services" in page
    client.post(url(customer), {"is_reseller": "no"})
    assert not Customer.objects.get(pk=customer.customer_id).is_reseller
    events = AuditEvent.objects.filter(action__startswith="customer.reseller").order_by("seq")
    actions = list(events.values_list("action", flat=True))
    assert actions == ["customer.reseller_marked", "customer.reseller_unmarked"]


def test_it_rejects_roles_without_the_status_purpose(customer, staff_client):
    assert (
        staff_client(StaffRole.SUPPORT).post(url(customer), {"is_reseller": "yes"}).status_code
        == 403
    )
    assert not Customer.objects.get(pk=customer.customer_id).is_reseller


def test_it_rejects_customers(customer, customer_client):
    assert customer_client.post(url(customer), {"is_reseller": "yes"}).status_code == 404


def test_a_get_is_not_allowed(customer, staff_client):
    assert staff_client(StaffRole.BILLING).get(url(customer)).status_code == 405
