# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.mailutil)
"""Queued e-mail, rendered by the worker: every notice that asks the reader to tell us says how
to reach support (the profile's [support] address and telephone)."""

from __future__ import annotations

import pytest

from clientvault.accounts.mail import queue_email
from tests.accounts.mailutil import body, deliver_mail, smtp_server  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


@pytest.mark.parametrize(
    ("template", "context"),
    [
        ("accounts/area/email_address_changed.txt", {}),
        ("accounts/auth/email/password_changed.txt", {"security_url": "https://x.test/sign-in"}),
        ("accounts/staff/email/identity_code.txt", {"code": "123456", "minutes": "10"}),
    ],
)
def test_a_notice_asking_to_tell_us_gives_the_support_contacts(smtp_server, template, context):
    queue_email(to="ada@example.com", subject="Notice", template=template, context=context)
    assert deliver_mail() == 1
    text = " ".join(body(smtp_server.wait_for("ada@example.com")).split())
    assert "support@example.com or +1 703-555-0100" in text
