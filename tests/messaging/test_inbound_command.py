# ruff: noqa: F811  (pytest fixtures imported from personas)
"""``clientvault mail receive`` (a pipe from the mail server) and ``clientvault mail serve``."""

from __future__ import annotations

import io
import smtplib
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from clientvault.privacy.models import ConsentSource
from clientvault.privacy.services.consent import current_consent, grant_consent
from clientvault.privacy.taxonomy import Purpose
from tests.accounts.mailutil import free_port
from tests.accounts.personas import customer  # noqa: F401
from tests.cli import CLIENTVAULT, REPO, clientvault, development_env
from tests.messaging.test_inbound import OPT_OUT, mail

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def pipe(raw: bytes, *args: str) -> str:
    out = io.StringIO()
    call_command("mail", "receive", *args, stdin=io.BytesIO(raw), stdout=out)
    return out.getvalue()


def test_the_pipe_takes_a_message_and_prints_one_line_naming_no_one(customer):
    grant_consent(
        subject=customer.subject, purpose=Purpose.MARKETING, source=ConsentSource.FORM, actor=None
    )
    printed = pipe(mail(sender="Ada Lovelace <ada@example.com>"))
    assert printed == "Request to stop marketing received (DKIM absent).\n"
    assert not current_consent(subject=customer.subject, purpose=Purpose.MARKETING)
    assert pipe(mail(sender="mallory@example.org")) == printed


def test_the_pipe_takes_the_envelope_recipient_from_to(customer):
    raw = mail(to="undisclosed-recipients:;")
    assert pipe(raw, "--to", OPT_OUT).startswith("Request to stop marketing received")


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"garbage", "The message is malformed"),
        (mail(sender=""), "The message has no sender"),
        (mail(to="sales@example.com"), "No such mailbox here"),
    ],
)
def test_the_pipe_refuses_bad_input_with_exit_65(customer, raw, problem):
    with pytest.raises(CommandError, match=problem) as refused:
        pipe(raw)
    assert refused.value.returncode == 65


def test_the_pipe_refuses_a_message_over_the_limit_naming_it(customer, settings):
    settings.CLIENTVAULT_MAIL_MAX_BYTES = 4096
    with pytest.raises(CommandError, match="the limit is 4096 bytes") as refused:
        pipe(mail(subject="unsubscribe " + "x" * 8000))
    assert refused.value.returncode == 65


def test_the_installed_command_exits_65_with_one_line_for_bad_input(tmp_path: Path):
    env = development_env(tmp_path)
    done = subprocess.run(
        [CLIENTVAULT, "mail", "receive"],
        input=b"this is not an e-mail message",
        env=env,
        cwd=REPO,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 65
    assert done.stderr.decode().splitlines() == [
        "CommandError: The message is malformed: its header or its parts cannot be read."
    ]
    assert done.stdout == b""


def test_the_serve_command_says_where_it_listens_and_stops_on_sigterm(tmp_path: Path):
    port = free_port()
    command = [CLIENTVAULT, "mail", "serve", "--port", str(port)]
    env = development_env(tmp_path)
    with subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE, text=True) as server:
        try:
            line = server.stdout.readline()
            assert line == f"Mail listener (opt-out and bounces): smtp://127.0.0.1:{port}\n"
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
                client.ehlo()
                client.mail("someone@example.org")
                assert client.rcpt("sales@example.com")[0] == 550
                assert client.rcpt(OPT_OUT)[0] == 250
        finally:
            server.terminate()
        assert server.wait(timeout=30) == 0


def test_the_command_explains_its_verbs(tmp_path: Path):
    done = clientvault(development_env(tmp_path), "mail", "--help")
    assert done.returncode == 0
    assert "serve" in done.stdout
    assert "receive" in done.stdout
