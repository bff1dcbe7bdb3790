# ruff: noqa: F811  (pytest fixtures imported from personas and mailutil)
"""Campaigns: queued only for those who agreed, consent checked again as each message leaves,
counts never names, copy checked, an empty audience refused, a re-run adding nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from clientvault.accounts.models import Customer, CustomerStatus
from clientvault.messaging.models import Audience, Campaign, CampaignStatus, Message, Status
from clientvault.messaging.services.campaigns import (
    campaign_counts,
    create_campaign,
    preview_campaign,
    queue_campaign,
    send_campaign,
)
from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.models import ConsentSource
from clientvault.privacy.profile import PRESETS_DIR, current_profile
from clientvault.privacy.services.consent import grant_consent, withdraw_consent
from clientvault.privacy.taxonomy import Purpose
from tests.accounts.mailutil import body, deliver_mail, run_queued, smtp_server  # noqa: F401
from tests.accounts.personas import customer, open_test_account, outsider  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def agree(person, purpose=Purpose.MARKETING):
    grant_consent(subject=person.subject, purpose=purpose, source=ConsentSource.FORM, actor=None)


def refuse(person, purpose=Purpose.MARKETING):
    withdraw_consent(subject=person.subject, purpose=purpose, source=ConsentSource.FORM, actor=None)


def offer(audience=Audience.CUSTOMERS, body_text="Hello {{ given_name }}, half price today."):
    return create_campaign(
        name="Spring offer",
        audience=audience,
        headline="Half price, {{ given_name }}",
        body=body_text,
        actor=SYSTEM,
    )


def sent(campaign) -> Campaign:
    send_campaign(campaign=campaign, actor=SYSTEM)
    run_queued(queue_campaign)
    return Campaign.objects.get(pk=campaign.pk)


def test_it_goes_only_to_those_who_agreed(customer, outsider, smtp_server):
    agree(customer)
    refuse(outsider)
    campaign = sent(offer())
    assert deliver_mail() == 1
    [received] = smtp_server.messages
    assert received["To"] == "ada@example.com"
    assert received["Subject"] == "Half price, Ada"
    assert "Hello Ada, half price today." in body(received)
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    counts = campaign_counts(campaign=campaign)
    assert (counts.audience, counts.sent, counts.without_consent) == (2, 1, 1)


def test_a_withdrawal_after_queueing_stops_the_message(customer, smtp_server):
    agree(customer)
    campaign = sent(offer())
    refuse(customer)
    deliver_mail()
    assert smtp_server.messages == []
    counts = campaign_counts(campaign=campaign)
    assert (counts.sent, counts.without_consent) == (0, 1)


def test_running_the_queueing_job_again_adds_nothing(customer):
    agree(customer)
    campaign = sent(offer())
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.QUEUEING)
    queue_campaign.call(campaign_id=str(campaign.pk))
    assert Message.objects.filter(campaign=campaign).count() == 1


def test_an_empty_audience_is_refused_with_a_clear_message(customer):
    refuse(customer)
    campaign = offer()
    with pytest.raises(ValidationError, match="Nobody in this audience has agreed"):
        send_campaign(campaign=campaign, actor=SYSTEM)
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.DRAFT


def test_a_campaign_is_sent_once(customer):
    agree(customer)
    campaign = offer()
    send_campaign(campaign=campaign, actor=SYSTEM)
    with pytest.raises(ValidationError, match="sent already"):
        send_campaign(campaign=campaign, actor=SYSTEM)


def test_an_unknown_value_in_the_text_is_refused_naming_it():
    with pytest.raises(ValidationError) as refused:
        offer(body_text="Dear {{ customer_number }}")
    assert "unknown value {{ customer_number }}" in str(refused.value.message_dict["body"])


def test_a_broken_tag_is_refused_not_a_traceback():
    with pytest.raises(ValidationError) as refused:
        offer(body_text="Hello {% if %}")
    assert refused.value.message_dict["body"][0].startswith("Text: ")


def test_a_partner_offer_is_refused_when_the_policy_never_shares():
    with pytest.raises(ValidationError, match="never shares with partners"):
        offer(audience=Audience.PARTNER_OFFER)


@pytest.fixture
def partner_opt_out(settings):
    settings.CLIENTVAULT_POLICY = PRESETS_DIR / "partner-opt-out.toml"
    current_profile.cache_clear()


def test_resellers_newsletters_go_to_resellers_who_agreed(customer, outsider, partner_opt_out):
    Customer.objects.filter(pk=customer.customer_id).update(is_reseller=True)
    agree(customer, Purpose.RESELLER_NEWSLETTER)
    agree(outsider, Purpose.RESELLER_NEWSLETTER)
    campaign = sent(offer(audience=Audience.RESELLERS))
    assert campaign_counts(campaign=campaign).audience == 1
    assert Message.objects.get(campaign=campaign).purpose == Purpose.RESELLER_NEWSLETTER


def test_resellers_newsletters_are_refused_where_the_policy_offers_none():
    with pytest.raises(ValidationError, match="does not offer resellers' newsletters"):
        offer(audience=Audience.RESELLERS)


def test_a_partner_offer_goes_under_the_opt_out_stance(customer, partner_opt_out):
    campaign = sent(offer(audience=Audience.PARTNER_OFFER))  # no refusal: opt-out stance
    assert Message.objects.get(campaign=campaign).purpose == Purpose.PARTNER_SHARING


def test_closed_accounts_are_not_in_the_audience(customer):
    agree(customer)
    Customer.objects.filter(pk=customer.customer_id).update(status=CustomerStatus.CLOSED)
    with pytest.raises(ValidationError, match="Nobody"):
        send_campaign(campaign=offer(), actor=SYSTEM)


def test_the_preview_fills_a_sample_recipient():
    preview = preview_campaign(campaign=offer())
    assert preview.headline == "Half price, Ada"
    assert "Hello Ada" in preview.text


def test_messages_of_a_campaign_are_marketing(customer):
    agree(customer)
    campaign = sent(offer())
    message = Message.objects.get(campaign=campaign)
    assert (message.purpose, message.status) == (Purpose.MARKETING, Status.QUEUED)
