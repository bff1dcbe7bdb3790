# ruff: noqa: F811  (pytest fixtures imported from mailutil and smsutil)
"""The outbound jobs are idempotent: a message runs through the worker twice, it goes out once.

Each message's id is made when it is queued and sealed with it; the delivery claimed under it
(committed before the hand-over, which runs outside any transaction) stops a second run (a
retry, a second worker, a job queued again). A hand-over that fails marks the claim failed, so
the next run sends; a claim left mid-send is never sent again (at most once).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from clientvault.accounts.mail import (
    MailError,
    message_id_of,
    open_message,
    queue_email,
    send_email,
)
from clientvault.accounts.models import Delivery, DeliveryKind
from clientvault.accounts.models.deliveries import DeliveryStatus
from clientvault.accounts.texts import queue_text, send_text
from tests.accounts.mailutil import CapturedMail, _Handler, free_port, smtp_server  # noqa: F401
from tests.accounts.smsutil import run_jobs, sms_gateway  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
TEMPLATE = "accounts/staff/email/identity_code.txt"
ROOT = Path(__file__).resolve().parents[2]


def queue_one_email() -> DBTaskResult:
    queue_email(to="ada@example.com", subject="Code", template=TEMPLATE, context={"code": "1"})
    return DBTaskResult.objects.get(task_path=send_email.module_path)


def message_id(job: DBTaskResult) -> str:
    return str(open_message(job.args_kwargs["kwargs"]["sealed"])["id"])


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
    delivery = Delivery.objects.get()
    assert delivery.message_id == message_id(job)
    assert (delivery.kind, delivery.status) == (DeliveryKind.EMAIL, DeliveryStatus.SENT)
    assert delivery.delivered_at >= delivery.claimed_at


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


def test_a_failed_hand_over_can_be_retried_and_sends_once(settings, smtp_server):
    job = queue_one_email()
    port, settings.EMAIL_PORT = settings.EMAIL_PORT, 9  # nothing listens there
    assert run_jobs(send_email) == 1
    job.refresh_from_db()
    assert job.status == TaskResultStatus.FAILED
    claim = Delivery.objects.get()
    assert (claim.status, claim.delivered_at) == (DeliveryStatus.FAILED, None)
    settings.EMAIL_PORT = port
    run_again(job)
    assert run_jobs(send_email) == 1
    run_again(job)
    assert run_jobs(send_email) == 1
    assert len(smtp_server.messages) == 1
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_a_message_left_mid_send_is_not_sent_again(smtp_server):
    job = queue_one_email()
    Delivery.objects.create(message_id=message_id(job), kind="email", claimed_at=timezone.now())
    assert run_jobs(send_email) == 1  # the worker died mid-send; this is its job re-run
    job.refresh_from_db()
    assert job.return_value == {"sent": 0}
    assert smtp_server.messages == []
    assert Delivery.objects.get().status == DeliveryStatus.SENDING


@pytest.fixture
def slow_smtp_server(settings: Any) -> Iterator[Callable[[Callable[[], None]], CapturedMail]]:
    """An SMTP server that runs ``during()`` before it accepts each message."""
    controllers = []

    def start(during: Callable[[], None]) -> CapturedMail:
        mail = CapturedMail(host="127.0.0.1", port=free_port())

        class Handler(_Handler):
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                during()
                return await super().handle_DATA(server, session, envelope)

        controllers.append(Controller(Handler(mail), hostname=mail.host, port=mail.port))
        controllers[-1].start()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = mail.host, mail.port, 10
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        return mail

    yield start
    for controller in controllers:
        controller.stop()


def write_from_another_thread() -> str:
    """A web request's write, from its own connection: 'written', or why it could not."""
    outcome = ["no answer within 5 s"]

    def write() -> None:
        try:
            Delivery.objects.create(message_id="web", kind="email", claimed_at=timezone.now())
            outcome[0] = "written"
        except Exception as error:
            outcome[0] = f"{type(error).__name__}: {error}"
        finally:
            connections.close_all()

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    thread.join(timeout=5)
    return outcome[0]


@pytest.mark.django_db(databases=["default", "keys"], transaction=True)
def test_the_database_is_not_held_while_the_mail_server_takes_its_time(slow_smtp_server):
    during_send: list[str] = []
    mail = slow_smtp_server(lambda: during_send.append(write_from_another_thread()))
    queue_one_email()
    assert run_jobs(send_email) == 1
    assert during_send == ["written"]
    assert len(mail.messages) == 1
    assert Delivery.objects.get(message_id="web")


def test_the_mail_server_is_given_30_seconds_unless_set():
    found = {}
    for value in (None, "7", "0", "soon"):
        env = {k: v for k, v in os.environ.items() if k != "EMAIL_TIMEOUT"}
        env |= {"EMAIL_TIMEOUT": value} if value else {}
        found[value] = subprocess.run(
            [sys.executable, "-c", SHOW_TIMEOUT],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert found[None].stdout.strip() == "30"
    assert found["7"].stdout.strip() == "7"
    assert "EMAIL_TIMEOUT must be 1 second or more (got 0)" in found["0"].stderr
    assert "EMAIL_TIMEOUT must be a whole number (got 'soon')" in found["soon"].stderr


SHOW_TIMEOUT = """
import os
os.environ["DJANGO_SETTINGS_MODULE"] = "clientvault.settings"
from django.conf import settings
print(settings.EMAIL_TIMEOUT)
"""


def test_a_text_job_run_twice_posts_once(sms_gateway):
    queue_text(to="+442079460018", text="hello")
    job = DBTaskResult.objects.get(task_path=send_text.module_path)
    assert run_jobs() == 1
    run_again(job)
    assert run_jobs() == 1
    assert len(sms_gateway.received) == 1
    assert Delivery.objects.get().kind == DeliveryKind.TEXT


def test_the_database_keeps_one_delivery_per_message():
    Delivery.objects.create(message_id="abc", kind=DeliveryKind.EMAIL, claimed_at=timezone.now())
    for fields in (
        {"message_id": "abc"},
        {"message_id": "def", "kind": "pigeon"},
        {"message_id": ""},
        {"message_id": "ghi", "status": "lost"},
        {"message_id": "jkl", "status": DeliveryStatus.SENT},  # sent, but when?
        {"message_id": "mno", "delivered_at": timezone.now()},  # sending, yet delivered
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Delivery.objects.create(
                **({"kind": DeliveryKind.TEXT} | fields), claimed_at=timezone.now()
            )
    assert Delivery.objects.count() == 1


def test_a_delivery_moves_only_along_its_transitions():
    delivery = Delivery(status=DeliveryStatus.SENDING)
    assert delivery.may_become(DeliveryStatus.SENT)
    assert delivery.may_become(DeliveryStatus.FAILED)
    assert not delivery.may_become(DeliveryStatus.SENDING)  # a claim mid-send is not taken again
    delivery.status = DeliveryStatus.FAILED
    assert [s for s in DeliveryStatus.values if delivery.may_become(s)] == ["sending"]
    delivery.status = DeliveryStatus.SENT
    assert not any(delivery.may_become(s) for s in DeliveryStatus.values)


def test_a_message_without_an_id_is_refused_not_given_one():
    with pytest.raises(MailError, match="has no id"):
        message_id_of({"to": "ada@example.com"})
