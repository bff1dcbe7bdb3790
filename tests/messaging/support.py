"""Shared pieces of the messaging tests: a recipient (a subject), queueing, the outbox."""

from __future__ import annotations

import uuid

import pytest
from django_tasks_db.models import DBTaskResult

from clientvault.messaging.delivery import deliver_message
from clientvault.messaging.models import Message
from clientvault.messaging.services.outbox import queue_message
from clientvault.privacy.models import Subject
from clientvault.privacy.services.subjects import create_subject
from tests.kernelapp.messages import NOTICE

ADDRESS = "ada@example.com"


@pytest.fixture
def recipient(db: None) -> Subject:
    return create_subject(actor=None)


def queue_notice(subject: Subject, *, to: str = ADDRESS, key: str = "") -> Message:
    return queue_message(
        subject_id=subject.id,
        to=to,
        kind=NOTICE.key,
        context={"thing": "server", "link": "https://example.test/secret-link"},
        key=key,
    )


def delivery_jobs() -> list[DBTaskResult]:
    rows = DBTaskResult.objects.filter(task_path=deliver_message.module_path)
    return list(rows.order_by("enqueued_at"))


def fresh(message: Message) -> Message:
    return Message.objects.get(pk=message.pk)


def any_uuid() -> uuid.UUID:
    return uuid.uuid4()
