# ruff: noqa: F811  (pytest fixtures imported from tests.messaging.support)
"""queue_message: one outbox row and one job, in the caller's transaction, holding no address."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from clientvault.messaging.kinds import TemplateProblem, UnknownKind
from clientvault.messaging.models import Category, Message, Status
from clientvault.messaging.services.outbox import queue_message
from clientvault.privacy.taxonomy import Purpose
from tests.kernelapp.messages import NOTICE, OFFER
from tests.messaging.support import ADDRESS, delivery_jobs, queue_notice, recipient  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_it_writes_one_row_and_one_job_naming_only_the_row(recipient):
    message = queue_notice(recipient)
    assert (message.status, message.category, message.kind) == (
        Status.QUEUED,
        Category.SERVICE,
        NOTICE.key,
    )
    [job] = delivery_jobs()
    assert job.args_kwargs == {"args": [], "kwargs": {"message_id": str(message.pk)}}


def test_the_row_holds_the_address_and_values_sealed(recipient):
    message = queue_notice(recipient)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM messaging_message WHERE id = %s", [message.pk.hex])
        stored = " ".join(str(value) for value in cursor.fetchone())
    assert ADDRESS not in stored
    assert "secret-link" not in stored
    assert message.header_id.endswith("@localhost>") or "@" in message.header_id


def test_a_marketing_message_records_the_consent_it_needs(recipient):
    message = queue_message(subject_id=recipient.id, to=ADDRESS, kind=OFFER.key)
    assert message.purpose == Purpose.MARKETING


def test_the_same_key_queues_one_message(recipient):
    first = queue_notice(recipient, key="request-1")
    again = queue_notice(recipient, key="request-1")
    assert again.pk == first.pk
    assert Message.objects.count() == 1
    assert len(delivery_jobs()) == 1


def test_nothing_is_queued_when_the_transaction_rolls_back(recipient):
    def fail_after_queueing() -> None:
        with transaction.atomic():
            queue_notice(recipient)
            raise RuntimeError("the change that caused the message failed")

    with pytest.raises(RuntimeError):
        fail_after_queueing()
    assert not Message.objects.exists()
    assert delivery_jobs() == []


def test_a_value_the_kind_does_not_declare_is_refused_by_name(recipient):
    with pytest.raises(TemplateProblem, match="has no value named 'colour'"):
        queue_message(
            subject_id=recipient.id,
            to=ADDRESS,
            kind=NOTICE.key,
            context={"thing": "x", "link": "y", "colour": "red"},
        )
    assert not Message.objects.exists()


def test_a_missing_value_is_refused_by_name(recipient):
    with pytest.raises(TemplateProblem, match="needs a value for 'link'"):
        queue_message(subject_id=recipient.id, to=ADDRESS, kind=NOTICE.key, context={"thing": "x"})


def test_an_unknown_kind_is_refused(recipient):
    with pytest.raises(UnknownKind, match=r"no message kind 'kernelapp\.nothing'"):
        queue_message(subject_id=recipient.id, to=ADDRESS, kind="kernelapp.nothing")


def test_a_message_needs_its_recipients_subject():
    with pytest.raises(ValueError, match="recipient's subject"):
        queue_message(subject_id=None, to=ADDRESS, kind=OFFER.key)
