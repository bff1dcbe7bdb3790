"""The kinds of message a campaign sends, one per audience; the text is the campaign's own."""

from __future__ import annotations

from clientvault.messaging.kinds import Kind, declare
from clientvault.messaging.models import AUDIENCE_CATEGORY, Audience

# What a campaign's subject line and text may use, besides the operator's details.
CAMPAIGN_VALUES = ("given_name",)

CAMPAIGN_KINDS: dict[str, Kind] = {
    audience: declare(
        f"messaging.campaign.{audience}",
        category=AUDIENCE_CATEGORY[audience],
        text_template="messaging/email/campaign.txt",
        variables=CAMPAIGN_VALUES,
        description="A campaign: its subject line and text are written by staff",
    )
    for audience in Audience.values
}
