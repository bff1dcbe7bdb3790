# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas and smsutil)
"""Text messages: queued in the caller's transaction, sealed, POSTed by the worker as JSON to the
SMS gateway (a real HTTP server here), retried after a gateway error, never failing a request."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from clientvault.accounts.models import Channel, CheckMethod, Delivery, StaffRole
from clientvault.accounts.services import identity
from clientvault.accounts.texts import RETRY_DELAYS, queue_text, send_text
from tests.accounts.personas import customer, staff  # noqa: F401
from tests.accounts.smsutil import TOKEN, run_jobs, serve_gateway, sms_gateway  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
NUMBER = "+442079460018"


def jobs():
    return DBTaskResult.objects.filter(task_path=send_text.module_path).order_by("enqueued_at")


def phone_code(customer, staff):
    return identity.start_identity_check(
        staff=staff(StaffRole.SUPPORT),
        person=customer,
        channel=Channel.TELEPHONE,
        method=CheckMethod.PHONE_CODE,
    )


def test_the_worker_posts_the_code_as_json_with_the_bearer_token(customer, staff, sms_gateway):
    check = phone_code(customer, staff)
    assert sms_gateway.received == []
    assert run_jobs() == 1
    [post] = sms_gateway.received
    assert post["path"] == "/v1/messages"
    assert post["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert post["headers"]["Content-Type"] == "application/json"
    assert set(post["json"]) == {"to", "text"}
    assert post["json"]["to"] == NUMBER
    code = re.search(r"code is (\d{6})\.", post["json"]["text"]).group(1)
    decided = identity.decide_identity_check(check=check, staff=staff(StaffRole.SUPPORT), code=code)
    assert decided.status == "passed"


def test_the_job_table_holds_neither_the_number_nor_the_text(customer, staff, sms_gateway):
    phone_code(customer, staff)
    run_jobs()
    code = re.search(r"\d{6}", sms_gateway.received[0]["json"]["text"]).group(0)
    job = jobs().get()
    stored = f"{job.args_kwargs} {job.return_value}"
    assert NUMBER not in stored
    assert "2079460018" not in stored
    assert code not in stored
    assert job.return_value == {"sent": 1}


def test_a_gateway_error_fails_the_job_and_queues_a_retry_that_sends_once(sms_gateway):
    sms_gateway.answer = 502
    queue_text(to=NUMBER, text="hello")
    assert run_jobs() == 1
    failed = jobs().first()
    assert failed.status == TaskResultStatus.FAILED
    assert "answered HTTP 502" in failed.traceback
    assert NUMBER not in failed.traceback
    assert sms_gateway.url not in failed.traceback
    assert Delivery.objects.get().status == "failed"  # a retry may claim it again
    retry = jobs().last()
    assert retry.pk != failed.pk
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after >= timezone.now() + RETRY_DELAYS[0] - timedelta(seconds=5)
    assert run_jobs() == 0  # not due yet
    sms_gateway.answer = 202
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    assert run_jobs() == 1
    assert len(sms_gateway.received) == 2  # the failed attempt, then the retry
    assert (Delivery.objects.get().kind, Delivery.objects.get().status) == ("text", "sent")


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_it_follows_no_redirect_and_fails_the_attempt(status, sms_gateway):
    with serve_gateway() as elsewhere:
        sms_gateway.answer, sms_gateway.location = status, elsewhere.url
        queue_text(to=NUMBER, text="hello")
        assert run_jobs() == 1
        assert elsewhere.received == []  # neither the token nor the text went there
    [post] = sms_gateway.received
    assert post["method"] == "POST"
    failed = jobs().first()
    assert failed.status == TaskResultStatus.FAILED
    assert f"answered HTTP {status}, a redirect, which is not followed" in failed.traceback
    assert elsewhere.url not in failed.traceback
    assert not Delivery.objects.filter(status="sent").exists()
    assert jobs().last().args_kwargs["kwargs"]["attempt"] == 2  # retried, as any failure


def test_it_gives_up_after_the_last_retry(sms_gateway):
    sms_gateway.answer = 500
    queue_text(to=NUMBER, text="hello")
    for _ in range(len(RETRY_DELAYS) + 1):
        DBTaskResult.objects.update(run_after=timezone.now())
        assert run_jobs() == 1
    assert run_jobs() == 0
    assert jobs().count() == len(RETRY_DELAYS) + 1
    assert set(jobs().values_list("status", flat=True)) == {TaskResultStatus.FAILED}


def test_an_unreachable_gateway_fails_the_job_not_the_caller(settings):
    settings.CLIENTVAULT_SMS_URL = "http://127.0.0.1:9/unreachable"
    queue_text(to=NUMBER, text="hello")  # the request's part: queueing only
    run_jobs()
    assert "could not be reached" in jobs().first().traceback


def test_a_code_that_expired_in_the_queue_is_not_sent(sms_gateway):
    queue_text(to=NUMBER, text="old code", valid_until=timezone.now() - timedelta(seconds=1))
    assert run_jobs() == 1
    assert sms_gateway.received == []
    assert jobs().get().return_value == {"sent": 0, "stale": 1}


def fail_after_a_code(customer, staff):
    with transaction.atomic():
        phone_code(customer, staff)
        raise RuntimeError("the request failed after the code was queued")


def test_nothing_is_queued_when_the_transaction_rolls_back(customer, staff, sms_gateway):
    with pytest.raises(RuntimeError):
        fail_after_a_code(customer, staff)
    assert not jobs().exists()
    assert run_jobs() == 0
    assert sms_gateway.received == []
