"""The outbox: every message the operator sends, one row each, and the addresses that bounced.

A :class:`Message` is written in the transaction of the change that causes it and delivered by
an idempotent job (:mod:`clientvault.messaging.delivery`). Its address, subject line, body and
the values its template is filled with are sealed in the vault for the recipient's subject; the
subject line and body are communications content, restricted (read through ``reveal``). Its
state, category, kind and dates are plain, so staff see what happened to a message without
seeing what it said or whom it went to.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from clientvault.privacy.fields import BlindIndexField, VaultField
from clientvault.privacy.models import Subject
from clientvault.privacy.taxonomy import Purpose


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    TEXT = "text", "Text message"


class Category(models.TextChoices):
    SERVICE = "service", "Service notice"
    SECURITY = "security", "Security"
    MARKETING = "marketing", "Marketing"
    RESELLER_NEWSLETTER = "reseller_newsletter", "Resellers' newsletter"
    PARTNER_OFFER = "partner_offer", "Partner offer"


# The consent a category needs at send time; service notices and security messages need none.
CONSENT_FOR: dict[str, str] = {
    Category.MARKETING: Purpose.MARKETING,
    Category.RESELLER_NEWSLETTER: Purpose.RESELLER_NEWSLETTER,
    Category.PARTNER_OFFER: Purpose.PARTNER_SHARING,
}


class Status(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Being handed to the mail server"
    RETRYING = "retrying", "Waiting to be tried again"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Not sent"
    BOUNCED = "bounced", "Refused by the recipient's server"
    FAILED = "failed", "Given up after retries"


# A queued message is claimed (sending) and then sent, skipped (no consent, a suppressed
# address, an expired code, an erased subject), retried, bounced or given up. A claim left
# ``sending`` past its lease (the worker died) is claimed again and sent with the same
# Message-ID, so the receiving servers keep one copy.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.QUEUED: frozenset({Status.SENDING, Status.SKIPPED}),
    Status.SENDING: frozenset(
        {
            Status.SENT,
            Status.SKIPPED,
            Status.RETRYING,
            Status.BOUNCED,
            Status.FAILED,
            Status.SENDING,
        }
    ),
    Status.RETRYING: frozenset({Status.SENDING, Status.SKIPPED}),
    Status.SENT: frozenset({Status.BOUNCED}),  # a bounce report can come after the hand-over
    Status.SKIPPED: frozenset(),
    Status.BOUNCED: frozenset(),
    Status.FAILED: frozenset(),
}
CLAIMABLE = (Status.QUEUED, Status.RETRYING)
FINAL = frozenset({Status.SENT, Status.SKIPPED, Status.BOUNCED, Status.FAILED})


class SkipReason(models.TextChoices):
    NO_CONSENT = "no_consent", "The recipient has not agreed to this kind of message"
    SUPPRESSED = "suppressed", "The address bounced or complained"
    EXPIRED = "expired", "The code it carried expired before it could be sent"
    ERASED = "erased", "The recipient's data was erased"


class Audience(models.TextChoices):
    CUSTOMERS = "customers", "Customers who agreed to news and offers"
    RESELLERS = "resellers", "Resellers who agreed to newsletters"
    PARTNER_OFFER = "partner_offer", "Customers who agreed to offers from partners"


AUDIENCE_CATEGORY: dict[str, str] = {
    Audience.CUSTOMERS: Category.MARKETING,
    Audience.RESELLERS: Category.RESELLER_NEWSLETTER,
    Audience.PARTNER_OFFER: Category.PARTNER_OFFER,
}


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    QUEUEING = "queueing", "Being queued"
    QUEUED = "queued", "Queued: the outbox is sending it"


# A draft is sent once: queueing (the job fans it out, idempotently) and then queued.
CAMPAIGN_TRANSITIONS: dict[str, frozenset[str]] = {
    CampaignStatus.DRAFT: frozenset({CampaignStatus.QUEUEING}),
    CampaignStatus.QUEUEING: frozenset({CampaignStatus.QUEUED}),
    CampaignStatus.QUEUED: frozenset(),
}


class Campaign(models.Model):
    """A marketing message or newsletter written once and sent to everyone in an audience who
    agreed to it. Its text is the operator's copy, not anyone's personal data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    audience = models.CharField(max_length=16, choices=Audience.choices)
    headline = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    created_by = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    queued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    audience_size = models.PositiveIntegerField(default=0)
    without_consent = models.PositiveIntegerField(default=0)  # left out when it was queued

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(audience__in=Audience.values), name="campaign_audience"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CampaignStatus.values), name="campaign_status"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def category(self) -> str:
        return AUDIENCE_CATEGORY[self.audience]

    def may_become(self, status: str) -> bool:
        return status in CAMPAIGN_TRANSITIONS[self.status]


class Message(models.Model):
    """One outgoing e-mail or text message and what became of it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="messages")
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    kind = models.CharField(max_length=64)
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    category = models.CharField(max_length=24, choices=Category.choices)
    purpose = models.CharField(max_length=32, blank=True)  # the consent it needs; "" for none
    to = VaultField()
    to_index = BlindIndexField(source="to", normaliser="email")
    context = VaultField(blank=True)  # the template's values as JSON, until the message is final
    headline = VaultField(restricted=True, blank=True)  # the e-mail's subject line, as sent
    body = VaultField(restricted=True, blank=True)  # the text as sent, its secrets withheld
    header_id = models.CharField(max_length=200, unique=True)  # the Message-ID header
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    skip_reason = models.CharField(max_length=12, choices=SkipReason.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)  # never an address or a text
    queued_at = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-queued_at"]
        indexes = [
            models.Index(fields=["subject", "-queued_at"]),
            models.Index(fields=["status", "claimed_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="message_status"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="message_channel"),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="message_category"
            ),
            models.CheckConstraint(
                condition=Q(status=Status.SKIPPED) | Q(skip_reason=""), name="message_skip_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.SENT) | Q(sent_at__isnull=False),
                name="message_sent_has_time",
            ),
            models.CheckConstraint(condition=~Q(header_id=""), name="message_has_header_id"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status}"

    def may_become(self, status: str) -> bool:
        return status in TRANSITIONS[self.status]


class SuppressionReason(models.TextChoices):
    BOUNCE = "bounce", "The address does not exist or refuses mail"
    COMPLAINT = "complaint", "The recipient reported a message as spam"


class Suppression(models.Model):
    """An address no marketing goes to any more: it bounced, or its holder complained.

    Only the blind index of the address is kept (the scope of ``Message.to_index``), so the
    table names no one; a message to a suppressed address is skipped at send time.
    """

    address_index = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=12, choices=SuppressionReason.choices)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=SuppressionReason.values), name="suppression_reason"
            )
        ]

    def __str__(self) -> str:
        return f"suppressed ({self.reason})"
