# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""/dev/mailbox: the development mailbox page, with DEBUG only (a 404 otherwise)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.messaging import mailbox
from clientvault.messaging.mailbox import MAILBOX_BACKEND
from tests.accounts.personas import customer, customer_client, staff, staff_client  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

LINK = "http://127.0.0.1:8000/password-reset/MQ/abc-123"
LISTING = reverse("dev_mailbox")


@pytest.fixture
def kept(settings, tmp_path):
    """One e-mail with a link and one text message in the mailbox; the e-mail's entry."""
    settings.CLIENTVAULT_MAILBOX_DIR = tmp_path / "mail"
    settings.EMAIL_BACKEND = MAILBOX_BACKEND
    mail.send_mail("Reset your password", f"Open {LINK}\n", "cv@localhost", ["ada@example.com"])
    mailbox.keep_text(to="+442079460018", text="Your identity check code is 123456.")
    return next(entry for entry in mailbox.entries() if entry.subject == "Reset your password")


def test_it_lists_every_kept_message_with_debug_on(kept, settings):
    settings.DEBUG = True
    page = Client().get(LISTING)
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    html = page.content.decode()
    assert "<h1>Development mailbox</h1>" in html
    assert "ada@example.com" in html
    assert "+442079460018" in html
    assert reverse("dev_mailbox_message", args=[kept.name]) in html
    assert str(settings.CLIENTVAULT_MAILBOX_DIR) in html


def test_it_shows_one_message_with_its_link_to_follow(kept, settings):
    settings.DEBUG = True
    page = Client().get(reverse("dev_mailbox_message", args=[kept.name]))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<h1 id="message-subject">Reset your password</h1>' in html
    assert f'<a href="{LINK}"' in html


def test_it_says_when_nothing_was_sent_yet(settings, tmp_path):
    settings.DEBUG, settings.CLIENTVAULT_MAILBOX_DIR = True, tmp_path / "mail"
    page = Client().get(LISTING)
    assert page.status_code == 200
    assert "No messages yet." in page.content.decode()


def test_it_does_not_exist_with_debug_off_for_anyone(kept, settings, customer_client, staff_client):
    settings.DEBUG = False
    message = reverse("dev_mailbox_message", args=[kept.name])
    for client in (Client(), customer_client, staff_client(StaffRole.ADMINISTRATOR)):
        for url in (LISTING, message):
            response = client.get(url)
            assert response.status_code == 404
            assert b"ada@example.com" not in response.content


@pytest.mark.parametrize("name", ["..%2Fsecret", "nothing", "20260101T000000000000-000000000000"])
def test_an_unknown_message_is_not_found(kept, settings, name):
    settings.DEBUG = True
    assert Client().get(f"{LISTING}/{name}").status_code == 404
