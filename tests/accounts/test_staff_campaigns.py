# ruff: noqa: F811  (pytest fixtures imported from personas)
"""The back office's campaign pages: open to roles granted marketing, counts never names."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.messaging.models import Campaign, CampaignStatus
from clientvault.messaging.services.campaigns import queue_campaign
from clientvault.privacy.models import ConsentSource
from clientvault.privacy.services.consent import grant_consent
from clientvault.privacy.taxonomy import Purpose
from tests.accounts.mailutil import run_queued
from tests.accounts.personas import customer, customer_client, staff, staff_client  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
LIST = reverse("accounts:staff_campaigns")
NEW = reverse("accounts:staff_campaign_new")
FORM = {
    "name": "Spring",
    "audience": "customers",
    "headline": "Half price",
    "body": "Hello {{ given_name }}",
}


def written(client) -> Campaign:
    response = client.post(NEW, FORM)
    campaign = Campaign.objects.get()
    assert response.url == reverse("accounts:staff_campaign", args=[campaign.pk])
    return campaign


def test_marketing_staff_write_preview_and_send(customer, staff_client):
    grant_consent(
        subject=customer.subject, purpose=Purpose.MARKETING, source=ConsentSource.FORM, actor=None
    )
    client = staff_client(StaffRole.MARKETING)
    assert "No campaigns yet" in client.get(LIST).content.decode()
    campaign = written(client)
    page = client.get(reverse("accounts:staff_campaign", args=[campaign.pk])).content.decode()
    assert "Hello Ada" in page  # the preview
    client.post(reverse("accounts:staff_campaign", args=[campaign.pk]))
    run_queued(queue_campaign)
    assert Campaign.objects.get().status == CampaignStatus.QUEUED
    page = client.get(reverse("accounts:staff_campaign", args=[campaign.pk])).content.decode()
    assert "Waiting to be sent" in page
    assert "ada@example.com" not in page  # counts, never names


def test_an_unknown_value_is_shown_on_the_field(staff_client):
    client = staff_client(StaffRole.MARKETING)
    response = client.post(NEW, {**FORM, "body": "Dear {{ password }}"})
    assert response.status_code == 200
    assert "unknown value {{ password }}" in response.content.decode()
    assert not Campaign.objects.exists()


def test_sending_to_nobody_says_so(staff_client):
    client = staff_client(StaffRole.MARKETING)
    campaign = written(client)
    response = client.post(reverse("accounts:staff_campaign", args=[campaign.pk]), follow=True)
    assert "Nobody in this audience has agreed" in response.content.decode()


@pytest.mark.parametrize("role", [StaffRole.SUPPORT, StaffRole.BILLING, StaffRole.LEGAL])
def test_it_rejects_roles_not_granted_marketing(staff_client, role):
    assert staff_client(role).get(LIST).status_code == 403


def test_it_rejects_customers(customer_client):
    assert customer_client.get(LIST).status_code == 404
