# ruff: noqa: F811  (pytest fixtures imported from smsutil and support)
"""Text messages through the outbox: POSTed by the worker as JSON to the SMS gateway (a real
HTTP server here), never following a redirect, retried, and not sent once their code expired."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from clientvault.messaging.delivery import RETRY_DELAYS
from clientvault.messaging.models import Message, SkipReason, Status
from clientvault.messaging.services.outbox import queue_message
from tests.accounts.smsutil import TOKEN, run_jobs, serve_gateway, sms_gateway  # noqa: F401
from tests.kernelapp.messages import CODE_TEXT
from tests.messaging.support import delivery_jobs, fresh, recipient  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
NUMBER = "+442079460018"


def queue_code(subject, **extra) -> Message:
    return queue_message(
        subject_id=subject.id, to=NUMBER, kind=CODE_TEXT.key, context={"code": "123456"}, **extra
    )


def test_the_worker_posts_the_text_as_json_with_the_bearer_token(recipient, sms_gateway):
    message = queue_code(recipient)
    assert run_jobs() == 1
    [post] = sms_gateway.received
    assert post["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert post["json"] == {"to": NUMBER, "text": "Your code is 123456."}
    assert fresh(message).status == Status.SENT


def test_the_job_table_holds_neither_the_number_nor_the_code(recipient, sms_gateway):
    queue_code(recipient)
    run_jobs()
    [job] = delivery_jobs()
    stored = f"{job.args_kwargs} {job.return_value}"
    assert "2079460018" not in stored
    assert "123456" not in stored
    assert job.return_value == {"status": "sent"}


def test_a_gateway_error_is_retried_and_then_sent_once(recipient, sms_gateway):
    sms_gateway.answer = 502
    message = queue_code(recipient)
    assert run_jobs() == 1
    waiting = fresh(message)
    assert (waiting.status, waiting.last_error) == (
        Status.RETRYING,
        "the SMS gateway answered HTTP 502",
    )
    retry = delivery_jobs()[-1]
    assert retry.run_after >= timezone.now() + RETRY_DELAYS["text"][0] - timedelta(seconds=5)
    sms_gateway.answer = 202
    DBTaskResult.objects.update(run_after=timezone.now())
    assert run_jobs() == 1
    assert len(sms_gateway.received) == 2
    assert fresh(message).status == Status.SENT


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_it_follows_no_redirect(status, recipient, sms_gateway):
    with serve_gateway() as elsewhere:
        sms_gateway.answer, sms_gateway.location = status, elsewhere.url
        message = queue_code(recipient)
        assert run_jobs() == 1
        assert elsewhere.received == []  # neither the token nor the text went there
    error = fresh(message).last_error
    assert error == f"the SMS gateway answered HTTP {status}, a redirect, which is not followed"


def test_an_unreachable_gateway_leaves_a_clear_state(recipient, settings):
    settings.CLIENTVAULT_SMS_URL = "http://127.0.0.1:9/unreachable"
    message = queue_code(recipient)
    run_jobs()
    assert fresh(message).last_error == "the SMS gateway could not be reached"


def test_a_code_that_expired_in_the_queue_is_not_sent(recipient, sms_gateway):
    message = queue_code(recipient, valid_until=timezone.now() - timedelta(seconds=1))
    run_jobs()
    assert sms_gateway.received == []
    assert fresh(message).skip_reason == SkipReason.EXPIRED
