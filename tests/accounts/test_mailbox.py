"""The development mailbox: each e-mail or text one file under var/mail/, never printed."""

from __future__ import annotations

import stat

import pytest
from django.core import mail

from clientvault.messaging import mailbox
from clientvault.messaging.mailbox import MAILBOX_BACKEND, TEXT_KIND
from clientvault.messaging.services.outbox import queue_message
from clientvault.privacy.services.subjects import create_subject
from tests.accounts.smsutil import run_jobs
from tests.kernelapp.messages import CODE_TEXT

NUMBER = "+442079460018"


@pytest.fixture
def folder(settings, tmp_path):
    settings.CLIENTVAULT_MAILBOX_DIR = tmp_path / "mail"
    settings.EMAIL_BACKEND = MAILBOX_BACKEND
    return settings.CLIENTVAULT_MAILBOX_DIR


def test_the_backend_keeps_each_message_as_one_file_only_its_owner_reads(folder):
    sent = mail.send_mass_mail(
        [
            ("First", "Open http://127.0.0.1:8000/a", "from@example.com", ["ada@example.com"]),
            ("Second", "Second body", "from@example.com", ["bob@example.com"]),
        ]
    )
    assert sent == 2
    files = sorted(folder.glob("*.eml"))
    assert len(files) == 2
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(path.stat().st_mode) for path in files} == {0o600}
    newest, oldest = mailbox.entries()
    assert (oldest.to, oldest.subject, oldest.body) == (
        "ada@example.com",
        "First",
        "Open http://127.0.0.1:8000/a",
    )
    assert (newest.to, newest.subject, newest.kind) == ("bob@example.com", "Second", "e-mail")
    assert newest.sent_at is not None
    assert newest.sent_at.tzinfo is not None
    assert mailbox.entry(newest.name) == newest


@pytest.mark.django_db(databases=["default", "keys"])
def test_a_text_without_a_gateway_is_kept_in_development_and_not_printed(folder, settings, capfd):
    settings.DEBUG, settings.CLIENTVAULT_SMS_URL = True, ""
    queue_message(
        subject_id=create_subject(actor=None).id,
        to=NUMBER,
        kind=CODE_TEXT.key,
        context={"code": "123456"},
    )
    assert run_jobs() == 1
    (kept,) = mailbox.entries()
    assert (kept.kind, kept.to, kept.body) == (
        TEXT_KIND,
        NUMBER,
        "Your code is 123456.",
    )
    printed = "".join(capfd.readouterr())
    assert "123456" not in printed
    assert NUMBER[-3:] not in printed


@pytest.mark.parametrize("name", ["../secret", "..", "x.eml", "20260101T000000000000-abc"])
def test_it_finds_no_message_outside_the_mailbox_or_by_a_malformed_name(folder, name):
    folder.mkdir()
    (folder.parent / "secret.eml").write_text("Subject: not in the mailbox\n\nsecret\n")
    assert mailbox.entry(name) is None


def test_an_empty_or_missing_mailbox_lists_nothing(folder):
    assert mailbox.entries() == []
