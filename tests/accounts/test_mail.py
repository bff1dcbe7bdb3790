# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.mailutil)
"""Every notice that asks the reader to tell us says how to reach support (the profile's
[support] address and telephone)."""

from __future__ import annotations

import pytest

from clientvault.accounts import messages
from clientvault.messaging.services.outbox import queue_message
from clientvault.privacy.services.subjects import create_subject
from tests.accounts.mailutil import body, deliver_mail, smtp_server  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


@pytest.mark.parametrize(
    ("kind", "context"),
    [
        (messages.EMAIL_CHANGED, {}),
        (messages.PASSWORD_CHANGED, {"security_url": "https://x.test/sign-in"}),
        (messages.IDENTITY_CODE, {"code": "123456", "minutes": "10"}),
    ],
    ids=lambda value: getattr(value, "key", ""),
)
def test_a_notice_asking_to_tell_us_gives_the_support_contacts(smtp_server, kind, context):
    subject = create_subject(actor=None)
    queue_message(subject_id=subject.id, to="ada@example.com", kind=kind.key, context=context)
    assert deliver_mail() == 1
    text = " ".join(body(smtp_server.wait_for("ada@example.com")).split())
    assert "support@example.com or +1 703-555-0100" in text
