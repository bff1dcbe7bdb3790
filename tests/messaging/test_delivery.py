# ruff: noqa: F811  (pytest fixtures imported from mailutil and support)
"""Delivering an outbox message: once, with its Message-ID, consent checked when it leaves,
secrets withheld from the copy kept, bounces and temporary failures told apart."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from clientvault.messaging.delivery import LEASE, RETRY_DELAYS, claim, deliver_message
from clientvault.messaging.models import Message, SkipReason, Status, Suppression
from clientvault.messaging.services.outbox import queue_message
from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.models import ConsentSource
from clientvault.privacy.reveal import reveal
from clientvault.privacy.services.consent import grant_consent, withdraw_consent
from clientvault.privacy.services.erasure import shred_subject
from clientvault.privacy.taxonomy import Purpose
from tests.accounts.mailutil import CapturedMail, _Handler, body, free_port, smtp_server  # noqa: F401
from tests.accounts.smsutil import run_jobs
from tests.kernelapp.messages import OFFER
from tests.messaging.support import ADDRESS, delivery_jobs, fresh, queue_notice, recipient  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def consent(subject) -> None:
    grant_consent(subject=subject, purpose=Purpose.MARKETING, source=ConsentSource.FORM, actor=None)


def queue_offer(subject) -> Message:
    return queue_message(subject_id=subject.id, to=ADDRESS, kind=OFFER.key)


def test_it_sends_the_message_once_with_its_message_id(recipient, smtp_server):
    message = queue_notice(recipient)
    assert run_jobs() == 1
    deliver_message.call(message_id=str(message.pk))  # a second run of the same job
    [received] = smtp_server.messages
    assert received["Message-ID"] == message.header_id
    assert received["Subject"] == "Your server is ready"
    assert "https://example.test/secret-link" in body(received)
    assert received.get_body(preferencelist=("html",)) is not None
    sent = fresh(message)
    assert (sent.status, sent.attempts) == (Status.SENT, 1)
    assert sent.sent_at is not None


def test_the_copy_kept_withholds_the_secrets_and_the_values_are_cleared(recipient, smtp_server):
    message = queue_notice(recipient)
    run_jobs()
    sent = fresh(message)
    kept = reveal(sent, "body", "notices", SYSTEM)
    assert "Your server is ready" in kept
    assert "secret-link" not in kept
    assert "(withheld from the stored copy)" in kept
    assert sent.context == ""


def test_consent_is_checked_when_the_message_leaves_not_when_queued(recipient, smtp_server):
    grant_consent(
        subject=recipient, purpose=Purpose.MARKETING, source=ConsentSource.FORM, actor=None
    )
    message = queue_offer(recipient)
    withdraw_consent(
        subject=recipient, purpose=Purpose.MARKETING, source=ConsentSource.LINK, actor=None
    )
    assert run_jobs() == 1
    assert smtp_server.messages == []
    skipped = fresh(message)
    assert (skipped.status, skipped.skip_reason) == (Status.SKIPPED, SkipReason.NO_CONSENT)


def test_a_marketing_message_goes_to_someone_who_consents(recipient, smtp_server):
    grant_consent(
        subject=recipient, purpose=Purpose.MARKETING, source=ConsentSource.FORM, actor=None
    )
    queue_offer(recipient)
    run_jobs()
    assert len(smtp_server.messages) == 1


def test_a_service_notice_needs_no_consent(recipient, smtp_server):
    withdraw_consent(
        subject=recipient, purpose=Purpose.MARKETING, source=ConsentSource.FORM, actor=None
    )
    queue_notice(recipient)
    run_jobs()
    assert len(smtp_server.messages) == 1


def test_an_address_that_bounced_gets_no_marketing(recipient, settings):
    grant_consent(
        subject=recipient, purpose=Purpose.MARKETING, source=ConsentSource.FORM, actor=None
    )
    mail = refusing_server(settings, "550 5.1.1 <ada@example.com>: no such user")
    first = queue_offer(recipient)
    run_jobs()
    bounced = fresh(first)
    assert bounced.status == Status.BOUNCED
    assert bounced.last_error == "SMTP 550: the recipient was refused"  # never the address
    assert Suppression.objects.get().address_index == bounced.to_index
    second = queue_offer(recipient)
    run_jobs()
    assert (fresh(second).status, fresh(second).skip_reason) == (
        Status.SKIPPED,
        SkipReason.SUPPRESSED,
    )
    assert mail.messages == []


def test_a_temporary_failure_is_retried_later_and_then_sent_once(recipient, settings):
    mail = refusing_server(settings, "451 4.3.0 try later")
    message = queue_notice(recipient)
    assert run_jobs() == 1
    waiting = fresh(message)
    assert (waiting.status, waiting.last_error) == (
        Status.RETRYING,
        "SMTP 451: the recipient was deferred",
    )
    retry = delivery_jobs()[-1]
    assert retry.run_after >= timezone.now() + RETRY_DELAYS["email"][0] - timedelta(seconds=5)
    assert run_jobs() == 0  # not due yet
    mail.refusal = ""
    DBTaskResult.objects.update(run_after=timezone.now())
    assert run_jobs() == 1
    assert len(mail.messages) == 1
    assert (fresh(message).status, fresh(message).attempts) == (Status.SENT, 2)


def test_it_gives_up_after_the_last_retry(recipient, settings):
    refusing_server(settings, "421 4.7.0 busy")
    message = queue_notice(recipient)
    for _ in range(len(RETRY_DELAYS["email"]) + 1):
        DBTaskResult.objects.update(run_after=timezone.now())
        assert run_jobs() == 1
    assert run_jobs() == 0
    failed = fresh(message)
    assert (failed.status, failed.context) == (Status.FAILED, "")


def test_an_unreachable_server_leaves_a_clear_state_not_a_traceback(recipient, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    message = queue_notice(recipient)
    run_jobs()
    waiting = fresh(message)
    assert (waiting.status, waiting.last_error) == (
        Status.RETRYING,
        "the mail server could not be reached",
    )


def test_a_claim_left_by_a_dead_worker_is_sent_again_with_the_same_message_id(
    recipient, smtp_server
):
    message = queue_notice(recipient)
    assert claim(str(message.pk)) is not None  # the worker died after this
    assert claim(str(message.pk)) is None  # not while its lease runs
    started = timezone.now() - LEASE - timedelta(seconds=1)
    Message.objects.filter(pk=message.pk).update(claimed_at=started)
    assert run_jobs() == 1
    [received] = smtp_server.messages
    assert received["Message-ID"] == message.header_id
    assert fresh(message).attempts == 2


def test_a_claim_within_its_lease_is_left_alone(recipient, smtp_server):
    message = queue_notice(recipient)
    assert claim(str(message.pk)) is not None
    assert run_jobs() == 1
    assert smtp_server.messages == []
    assert fresh(message).status == Status.SENDING


def test_an_erased_recipient_gets_nothing(recipient, smtp_server):
    message = queue_notice(recipient)
    shred_subject(subject=recipient, actor=SYSTEM, reason="erasure_request")
    run_jobs()
    assert smtp_server.messages == []
    assert fresh(message).skip_reason == SkipReason.ERASED


def test_an_expired_code_is_not_sent(recipient, smtp_server):
    message = queue_message(
        subject_id=recipient.id,
        to=ADDRESS,
        kind="kernelapp.notice",
        context={"thing": "code", "link": "x"},
        valid_until=timezone.now() - timedelta(seconds=1),
    )
    run_jobs()
    assert smtp_server.messages == []
    assert fresh(message).skip_reason == SkipReason.EXPIRED


class RefusingMail(CapturedMail):
    refusal: str = ""
    on_mail_from: Any = None


def refusing_server(settings: Any, refusal: str) -> RefusingMail:
    """An SMTP server that answers RCPT with ``refusal`` (until it is set to "")."""
    mail = RefusingMail(host="127.0.0.1", port=free_port())
    mail.refusal = refusal

    class Handler(_Handler):
        async def handle_MAIL(self, server, session, envelope, address, options):
            if mail.on_mail_from is not None:
                mail.on_mail_from(address)
            envelope.mail_from = address
            return "250 OK"

        async def handle_RCPT(self, server, session, envelope, address, options):
            if mail.refusal:
                return mail.refusal
            envelope.rcpt_tos.append(address)
            return "250 OK"

    controller = Controller(Handler(mail), hostname=mail.host, port=mail.port)
    controller.start()
    _stoppers.append(controller.stop)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = mail.host, mail.port, 5
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    return mail


_stoppers: list[Any] = []


@pytest.fixture(autouse=True)
def _stop_servers():
    yield
    while _stoppers:
        _stoppers.pop()()


def test_reports_of_failed_delivery_come_back_to_the_bounce_address(recipient, settings):
    settings.CLIENTVAULT_BOUNCE_ADDRESS = "bounces@example.net"
    mail = refusing_server(settings, "")
    senders: list[str] = []
    mail.on_mail_from = senders.append
    queue_notice(recipient)
    run_jobs()
    [received] = mail.messages
    assert received["From"] == settings.DEFAULT_FROM_EMAIL
    assert senders == ["bounces@example.net"]


def test_a_message_that_cannot_be_made_is_given_up_with_a_clear_state(recipient, smtp_server):
    message = queue_notice(recipient)
    Message.objects.filter(pk=message.pk).update(kind="kernelapp.withdrawn")
    run_jobs()
    failed = fresh(message)
    assert (failed.status, failed.last_error) == (
        Status.FAILED,
        "the message could not be made (UnknownKind)",
    )
    assert smtp_server.messages == []
