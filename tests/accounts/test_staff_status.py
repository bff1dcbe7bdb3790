# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""Account status changes by billing or administrators, along the status workflow."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clientvault.accounts.models import (
    Customer,
    CustomerStatus,
    CustomerStatusChange,
    StaffRole,
)
from clientvault.accounts.services.customers import change_status
from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.profile import PRESETS_DIR, current_profile
from tests.accounts.personas import customer, staff, staff_client  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(person):
    return reverse("accounts:staff_status", args=[person.customer.number])


def test_billing_suspends_with_a_reason_shown_in_the_history(customer, staff_client):
    client = staff_client(StaffRole.BILLING)
    data = {"status": "suspended", "reason": "unpaid invoice 2024-117"}
    response = client.post(url(customer), data, follow=True)
    customer.customer.refresh_from_db()
    assert customer.customer.status == CustomerStatus.SUSPENDED
    page = response.content.decode()
    assert "is now suspended" in page
    assert "unpaid invoice 2024-117" in page
    assert "staff: staff-billing" in page
    assert CustomerStatusChange.objects.filter(to_status="suspended").count() == 1


def test_it_needs_a_reason_and_offers_only_allowed_steps(customer, staff_client):
    client = staff_client(StaffRole.ADMINISTRATOR)
    page = client.post(url(customer), {"status": "closed"}).content.decode()
    assert "Give a reason for the change." in page
    assert 'value="active"' not in page  # an active account can only be suspended or closed
    page = client.post(url(customer), {"status": "active", "reason": "x"}).content.decode()
    assert "Select a valid choice" in page


def test_a_closed_account_cannot_change(customer, staff_client):
    client = staff_client(StaffRole.ADMINISTRATOR)
    client.post(url(customer), {"status": "closed", "reason": "customer left"})
    page = client.get(url(customer)).content.decode()
    assert "A closed account cannot change status." in page


def test_support_may_not_change_status(customer, staff_client):
    response = staff_client(StaffRole.SUPPORT).post(
        url(customer), {"status": "closed", "reason": "x"}
    )
    assert response.status_code == 403
    customer.customer.refresh_from_db()
    assert customer.customer.status == CustomerStatus.ACTIVE


def test_the_status_page_follows_the_billing_purpose_of_the_profile(
    customer, staff_client, settings, tmp_path
):
    text = (PRESETS_DIR / "need-to-know.toml").read_text()
    old = 'support = ["service", "support", "security", "notices"]'
    assert old in text
    path = tmp_path / "policy.toml"
    path.write_text(text.replace(old, 'support = ["service", "support", "security", "billing"]'))
    settings.CLIENTVAULT_POLICY = path
    current_profile.cache_clear()
    client = staff_client(StaffRole.SUPPORT)
    assert client.get(url(customer)).status_code == 200
    record = client.get(reverse("accounts:staff_customer", args=[customer.customer.number]))
    assert "Change status" in record.content.decode()


def test_a_change_reads_the_status_afresh_under_a_lock(customer):
    stale = Customer.objects.get(pk=customer.customer.pk)
    change_status(customer=customer.customer, to=CustomerStatus.CLOSED, actor=SYSTEM, reason="x")
    with pytest.raises(ValidationError, match="closed cannot become suspended"):
        change_status(customer=stale, to=CustomerStatus.SUSPENDED, actor=SYSTEM, reason="y")
    assert stale.status == CustomerStatus.CLOSED
    assert Customer.objects.get(pk=stale.pk).status == CustomerStatus.CLOSED
    assert CustomerStatusChange.objects.filter(to_status="suspended").count() == 0
