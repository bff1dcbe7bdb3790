"""Queueing a message: one outbox row and one delivery job, in the caller's transaction.

Nothing is rendered here. The row keeps the address and the template's values sealed for the
recipient's subject; the job carries the row's id only, so the job table holds no address, link
or code. A message is sent only if the transaction that queued it commits.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clientvault.messaging.delivery import deliver_message
from clientvault.messaging.kinds import check_context, get_kind
from clientvault.messaging.models import Message


def header_id_for(key: str) -> str:
    """The Message-ID header of the message queued under ``key`` (RFC 5322 msg-id)."""
    domain = str(settings.DEFAULT_FROM_EMAIL).rpartition("@")[2].strip(">") or "localhost"
    return f"<{key}@{domain}>"


def queue_message(
    *,
    subject_id: uuid.UUID | None,
    to: str,
    kind: str,
    context: Mapping[str, str] | None = None,
    key: str = "",
    valid_until: datetime | None = None,
    campaign_id: uuid.UUID | None = None,
) -> Message:
    """Queue one message of a declared ``kind`` to ``to`` (an address, or E.164 for a text).

    ``key`` (default: new and random) names the message: queueing again under a key already
    used returns the message first queued, so a job that runs twice sends once. ``valid_until``:
    not worth sending after that (a code). A value the kind does not declare is refused.
    """
    if subject_id is None:
        raise ValueError("a message needs its recipient's subject (the address is sealed for it)")
    declared = get_kind(kind)
    values = {str(k): str(v) for k, v in (context or {}).items()}
    check_context(declared, values)
    header_id = header_id_for(key or uuid.uuid4().hex)
    with transaction.atomic():
        earlier = Message.objects.filter(header_id=header_id).first()
        if earlier is not None:
            return earlier
        message = Message(
            subject_id=subject_id,
            channel=declared.channel,
            kind=declared.key,
            category=declared.category,
            purpose=declared.purpose,
            to=to,
            context=json.dumps(values),
            header_id=header_id,
            queued_at=timezone.now(),
            valid_until=valid_until,
            campaign_id=campaign_id,
        )
        message.save()
        deliver_message.enqueue(message_id=str(message.pk))
    return message
