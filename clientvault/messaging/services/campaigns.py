"""Campaigns (CTL-4, USE-1, SHR-3): marketing, resellers' newsletters and partner offers.

Staff with a role the policy profile grants ``marketing`` write a campaign for one audience,
preview it and send it. Sending queues one job that walks the audience (an app's provider,
:mod:`clientvault.messaging.audiences`), leaves out everyone without current consent to that
list, and queues one outbox message for each of the others, under a key made of the campaign and
the subject, so a job that runs again adds nothing. The outbox checks consent once more as each
message leaves. Staff see counts only (sent, left out for consent, bounced), never names.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.template import TemplateSyntaxError
from django.utils import timezone
from django_tasks import task

from clientvault.messaging.audiences import Member, members_of
from clientvault.messaging.campaign_kinds import CAMPAIGN_KINDS, CAMPAIGN_VALUES
from clientvault.messaging.kinds import COMMON, TemplateProblem, check_template
from clientvault.messaging.models import (
    CONSENT_FOR,
    Audience,
    Campaign,
    CampaignStatus,
    Message,
    SkipReason,
    Status,
)
from clientvault.messaging.render import Copy, Rendered, render
from clientvault.messaging.services.outbox import queue_message
from clientvault.privacy.actors import Actor, actor_ref
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.services.consent import consenting_subjects

BATCH = 500  # messages queued per transaction
SAMPLE = {"given_name": "Ada"}  # the preview's recipient


class CampaignError(ValidationError):
    pass


def _offered(audience: str) -> None:
    profile = current_profile()
    if audience == Audience.PARTNER_OFFER and profile.partners == "never":
        raise CampaignError(
            {
                "audience": "Audience: our privacy policy never shares with partners, so no "
                "partner offer can be sent."
            }
        )
    if audience == Audience.RESELLERS and not profile.reseller_newsletters:
        raise CampaignError(
            {"audience": "Audience: our privacy policy does not offer resellers' newsletters."}
        )


def _check_copy(headline: str, body: str) -> None:
    allowed = set(CAMPAIGN_VALUES) | COMMON
    errors = {}
    for field, label, source in (("headline", "Subject line", headline), ("body", "Text", body)):
        try:
            check_template(source, allowed, label=label)
        except TemplateProblem as problem:
            errors[field] = f"{problem}; you can use " + ", ".join(
                f"{{{{ {name} }}}}" for name in sorted(allowed)
            )
        except TemplateSyntaxError as problem:  # a tag that does not parse
            errors[field] = f"{label}: {problem}"
    if errors:
        raise CampaignError(errors)


def create_campaign(
    *, name: str, audience: str, headline: str, body: str, actor: Actor
) -> Campaign:
    """A draft campaign, its copy checked: unknown values and broken tags are refused."""
    if audience not in Audience.values:
        raise CampaignError({"audience": "Audience: choose one of the lists."})
    _offered(audience)
    _check_copy(headline, body)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name.strip(),
            audience=audience,
            headline=headline.strip(),
            body=body.strip(),
            created_by=actor_ref(actor),
            created_at=timezone.now(),
        )
        record_event(
            action="campaign.created", actor=actor, obj=campaign, details={"audience": audience}
        )
    return campaign


def preview_campaign(*, campaign: Campaign) -> Rendered:
    """The campaign as a sample recipient would get it."""
    kind = CAMPAIGN_KINDS[campaign.audience]
    return render(kind, dict(SAMPLE), copy=Copy(campaign.headline, campaign.body))


def _consenting(members: Iterable[Member], purpose: str) -> Iterator[Member]:
    """The members who consent now, checked a batch at a time (one query per batch)."""
    walked = iter(members)
    while batch := list(islice(walked, BATCH)):
        agreed = consenting_subjects(subject_ids=[m.subject_id for m in batch], purpose=purpose)
        yield from (member for member in batch if member.subject_id in agreed)


def send_campaign(*, campaign: Campaign, actor: Actor) -> Campaign:
    """Queue the campaign for everyone in its audience who agreed; refused if no one has."""
    _offered(campaign.audience)
    purpose = CONSENT_FOR[campaign.category]
    if next(_consenting(members_of(campaign.audience), purpose), None) is None:
        raise CampaignError(
            "Nobody in this audience has agreed to receive it, so there is no one to send it to."
        )
    with transaction.atomic():
        updated = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.DRAFT).update(
            status=CampaignStatus.QUEUEING, queued_at=timezone.now()
        )
        if not updated:
            raise CampaignError("This campaign was sent already.")
        record_event(
            action="campaign.sent",
            actor=actor,
            obj=campaign,
            details={"audience": campaign.audience},
        )
        queue_campaign.enqueue(campaign_id=str(campaign.pk))
    campaign.refresh_from_db()
    return campaign


def _queue_batch(campaign: Campaign, members: list[Member]) -> None:
    kind = CAMPAIGN_KINDS[campaign.audience]
    with transaction.atomic():
        for member in members:
            queue_message(
                subject_id=member.subject_id,
                to=member.address,
                kind=kind.key,
                context={name: member.values.get(name, "") for name in CAMPAIGN_VALUES},
                key=f"campaign-{campaign.pk.hex}-{member.subject_id.hex}",
                campaign_id=campaign.pk,
            )


@task()
def queue_campaign(campaign_id: str) -> dict[str, int]:
    """Queue one message per consenting member; run again, it queues only what is missing."""
    campaign = Campaign.objects.get(pk=campaign_id)
    if campaign.status != CampaignStatus.QUEUEING:
        return {"queued": 0}
    purpose = CONSENT_FOR[campaign.category]
    size = without = 0
    members = iter(members_of(campaign.audience))
    while batch := list(islice(members, BATCH)):
        size += len(batch)
        chosen = list(_consenting(batch, purpose))
        without += len(batch) - len(chosen)
        _queue_batch(campaign, chosen)
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.QUEUED,
        finished_at=timezone.now(),
        audience_size=size,
        without_consent=without,
    )
    return {"audience": size, "without_consent": without}


@dataclass(frozen=True)
class Counts:
    """What became of a campaign's messages; numbers only."""

    audience: int
    queued: int
    sent: int
    waiting: int
    without_consent: int  # left out when queued, or withdrawn before their message left
    bounced: int
    other: int  # suppressed addresses, erased recipients, given up after retries


def campaign_counts(*, campaign: Campaign) -> Counts:
    rows = Message.objects.filter(campaign=campaign).aggregate(
        queued=Count("pk"),
        sent=Count("pk", filter=Q(status=Status.SENT)),
        waiting=Count("pk", filter=Q(status__in=[Status.QUEUED, Status.SENDING, Status.RETRYING])),
        refused=Count("pk", filter=Q(status=Status.SKIPPED, skip_reason=SkipReason.NO_CONSENT)),
        bounced=Count("pk", filter=Q(status=Status.BOUNCED)),
    )
    other = rows["queued"] - rows["sent"] - rows["waiting"] - rows["refused"] - rows["bounced"]
    return Counts(
        audience=campaign.audience_size,
        queued=rows["queued"],
        sent=rows["sent"],
        waiting=rows["waiting"],
        without_consent=campaign.without_consent + rows["refused"],
        bounced=rows["bounced"],
        other=other,
    )
