"""Mail that a machine sent is recognised, so it is never answered (messaging.inbound.loops)."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage

import pytest

from clientvault.messaging.inbound.loops import is_automatic, why_automatic
from clientvault.messaging.inbound.parse import read


def inbound(sender: str = "ada@example.com", **headers: str):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@example.com"
    message["Subject"] = "Out of office"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("I am away.\n")
    return read(message.as_bytes(policy=policy.SMTP), envelope_to=None, max_bytes=10**6)


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        ({"Auto_Submitted": "auto-replied"}, "Auto-Submitted"),
        ({"Auto_Submitted": "auto-generated; type=vacation"}, "Auto-Submitted"),
        ({"Precedence": "bulk"}, "Precedence"),
        ({"Precedence": "Junk"}, "Precedence"),
        ({"Precedence": "list"}, "Precedence"),
        ({"X_Autoreply": "yes"}, "X-Autoreply"),
        ({"X_Autorespond": "vacation"}, "X-Autorespond"),
        ({"X_Auto_Response_Suppress": "All"}, "X-Auto-Response-Suppress"),
        ({"List_Id": "<news.example.com>"}, "List-Id"),
        ({"Return_Path": "<>"}, "Return-Path"),
    ],
)
def test_an_automatic_message_is_recognised_by_its_headers(headers, why):
    assert why_automatic(inbound(**headers)) == why


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.example.com", "postmaster@example.net"])
def test_a_mail_systems_own_sender_is_automatic(sender):
    assert why_automatic(inbound(sender)) == "From"


def test_a_persons_message_is_not_automatic():
    assert not is_automatic(inbound())
    assert not is_automatic(inbound(Auto_Submitted="no", Precedence="first-class"))
