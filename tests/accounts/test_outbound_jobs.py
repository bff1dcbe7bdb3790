# ruff: noqa: F811  (pytest fixtures imported from mailutil and smsutil)
"""The outbound jobs are idempotent: a message runs through the worker twice, it goes out once.

Each message's id is made when it is queued and sealed with it; the delivery recorded under it
stops a second run (a retry, a second worker, a job queued again). A hand-over that fails
records nothing, so the next run sends.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from clientvault.accounts.mail import message_id_of, open_message, queue_email
from clientvault.accounts.models import Delivery, DeliveryKind
from clientvault.accounts.tasks import send_email, send_text
from clientvault.accounts.texts import queue_text
from tests.accounts.mailutil import smtp_server  # noqa: F401
from tests.accounts.smsutil import run_jobs, sms_gateway  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
TEMPLATE = "accounts/staff/email/identity_code.txt"


def queue_one_email() -> DBTaskResult:
    queue_email(to="ada@example.com", subject="Code", template=TEMPLATE, context={"code": "1"})
    return DBTaskResult.objects.get(task_path=send_email.module_path)


def run_again(job: DBTaskResult) -> None:
    """The same job back on the queue, as after a crash between sending and marking it done."""
    DBTaskResult.objects.filter(pk=job.pk).update(
        status=TaskResultStatus.READY, run_after=timezone.now()
    )


def test_an_email_job_run_twice_sends_once(smtp_server):
    job = queue_one_email()
    assert run_jobs(send_email) == 1
    run_again(job)
    assert run_jobs(send_email) == 1
    assert len(smtp_server.to("ada@example.com")) == 1
    job.refresh_from_db()
    assert job.return_value == {"sent": 0}
    sealed = job.args_kwargs["kwargs"]["sealed"]
    delivery = Delivery.objects.get()
    assert delivery.message_id == message_id_of(open_message(sealed), sealed)
    assert delivery.kind == DeliveryKind.EMAIL


def test_the_same_message_queued_twice_is_one_message(smtp_server):
    sealed = queue_one_email().args_kwargs["kwargs"]["sealed"]
    send_email.enqueue(sealed=sealed)
    assert run_jobs(send_email) == 2
    assert len(smtp_server.messages) == 1


def test_two_emails_are_two_messages(smtp_server):
    queue_one_email()
    queue_email(to="ada@example.com", subject="Code", template=TEMPLATE, context={"code": "2"})
    assert run_jobs(send_email) == 2
    assert len(smtp_server.messages) == 2
    assert Delivery.objects.count() == 2


def test_a_failed_hand_over_records_no_delivery_so_a_rerun_sends(settings, smtp_server):
    job = queue_one_email()
    port, settings.EMAIL_PORT = settings.EMAIL_PORT, 9  # nothing listens there
    assert run_jobs(send_email) == 1
    job.refresh_from_db()
    assert job.status == TaskResultStatus.FAILED
    assert not Delivery.objects.exists()
    settings.EMAIL_PORT = port
    run_again(job)
    assert run_jobs(send_email) == 1
    assert len(smtp_server.messages) == 1


def test_a_text_job_run_twice_posts_once(sms_gateway):
    queue_text(to="+442079460018", text="hello")
    job = DBTaskResult.objects.get(task_path=send_text.module_path)
    assert run_jobs() == 1
    run_again(job)
    assert run_jobs() == 1
    assert len(sms_gateway.received) == 1
    assert Delivery.objects.get().kind == DeliveryKind.TEXT


def test_the_database_keeps_one_delivery_per_message():
    Delivery.objects.create(message_id="abc", kind=DeliveryKind.EMAIL, delivered_at=timezone.now())
    for fields in (
        {"message_id": "abc"},
        {"message_id": "def", "kind": "pigeon"},
        {"message_id": ""},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Delivery.objects.create(
                **({"kind": DeliveryKind.TEXT} | fields), delivered_at=timezone.now()
            )
    assert Delivery.objects.count() == 1
