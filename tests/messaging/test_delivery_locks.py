"""The hand-over to the mail server holds no database lock, and waits a bounded time."""

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
from django.db import connections
from django.utils import timezone

from clientvault.messaging.models import Suppression
from clientvault.privacy.services.subjects import create_subject
from tests.accounts.mailutil import CapturedMail, _Handler, free_port
from tests.accounts.smsutil import run_jobs
from tests.messaging.support import queue_notice

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
ROOT = Path(__file__).resolve().parents[2]


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
            Suppression.objects.create(address_index="web", reason="bounce", at=timezone.now())
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
    queue_notice(create_subject(actor=None))
    assert run_jobs() == 1
    assert during_send == ["written"]
    assert len(mail.messages) == 1
    assert Suppression.objects.get(address_index="web")


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
