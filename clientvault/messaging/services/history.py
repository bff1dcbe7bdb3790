"""What a person can see of the messages sent to them (COL-9: kept as an incident of delivery).

Their own messages only, found by their subject; the subject line and text are communications
content, so each reading goes through ``reveal`` (the purpose ``notices``, which the profile
grants to customers for their own data) and is audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import QuerySet

from clientvault.messaging.models import Message, Status
from clientvault.privacy.actors import Actor
from clientvault.privacy.reveal import reveal
from clientvault.privacy.taxonomy import Purpose

SHOWN = (Status.SENT, Status.BOUNCED, Status.FAILED, Status.RETRYING)


@dataclass(frozen=True)
class ReadMessage:
    message: Message
    headline: str
    body: str


def messages_for(*, subject_id: uuid.UUID) -> QuerySet[Message]:
    """The subject's messages that left or were tried, newest first (not those skipped)."""
    return Message.objects.filter(subject_id=subject_id, status__in=SHOWN).order_by("-queued_at")


def read_message(*, message: Message, actor: Actor) -> ReadMessage:
    """The kept copy of one message (its secrets were never kept), each reading audited."""
    headline = reveal(message, "headline", Purpose.NOTICES, actor) if message.headline else ""
    body = reveal(message, "body", Purpose.NOTICES, actor) if message.body else ""
    return ReadMessage(message=message, headline=headline, body=body)
