"""Mail in tests: a real SMTP server (aiosmtpd) and delivery of queued mail.

- ``smtp_server``: a fixture starting aiosmtpd's ``Controller`` on 127.0.0.1 at a free port and
  pointing Django's SMTP backend at it; it yields a :class:`CapturedMail` with every message
  received (``.messages``, ``.to(address)``, ``.wait_for(address)``).
- ``deliver_mail()``: run the outbox's queued ``deliver_message`` jobs now, in this process and
  transaction (what ``clientvault worker --batch`` does, usable inside an ordinary ``django_db``
  test); ``run_queued(task)`` does the same for any task's jobs.
- ``link_in(message)``: the first http(s) link in a message's text.

Import the fixture into a test module (``from tests.accounts.mailutil import smtp_server``).
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django_tasks_db.models import DBTaskResult

from clientvault.messaging.delivery import deliver_message

LINK = re.compile(r"https?://\S+")


@dataclass
class CapturedMail:
    """What the SMTP server received."""

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def wait_for(self, address: str, timeout: float = 5.0) -> EmailMessage:
        deadline = time.monotonic() + timeout
        while True:
            found = self.to(address)
            if found:
                return found[-1]
            if time.monotonic() > deadline:
                received = ", ".join(str(m["To"]) for m in self.messages) or "nothing"
                raise AssertionError(f"no e-mail to {address} within {timeout}s; got {received}")
            time.sleep(0.02)


class _Handler:
    def __init__(self, mail: CapturedMail) -> None:
        self.mail = mail

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.mail.messages.append(message)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[CapturedMail]:
    mail = CapturedMail(host="127.0.0.1", port=free_port())
    controller = Controller(_Handler(mail), hostname=mail.host, port=mail.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = mail.host, mail.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield mail
    finally:
        controller.stop()


def queued_mail() -> int:
    """How many e-mails are waiting for the worker."""
    count: int = DBTaskResult.objects.ready().filter(task_path=deliver_message.module_path).count()
    return count


def run_queued(task: Any) -> int:
    """Run every queued job of ``task`` now, marking each done as the worker would; how many."""
    ran = 0
    for job in DBTaskResult.objects.ready().filter(task_path=task.module_path):
        job.claim("tests")
        result = job.task_result
        job.set_successful(task.call(*result.args, **result.kwargs))
        ran += 1
    return ran


def deliver_mail() -> int:
    """Send every queued e-mail now, marking each job done as the worker would; how many."""
    return run_queued(deliver_message)


def body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def link_in(message: EmailMessage) -> str:
    found = LINK.search(body(message))
    assert found, "the message holds no link"
    return found.group(0)
