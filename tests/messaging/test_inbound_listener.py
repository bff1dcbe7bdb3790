# ruff: noqa: F811  (pytest fixtures imported from mailutil and personas)
"""The mail listener (``clientvault mail serve``): a real SMTP or LMTP client talks to it."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator

import pytest

from clientvault.messaging.inbound import listener as listener_module
from clientvault.messaging.inbound.listener import Listener
from clientvault.messaging.models import Message
from clientvault.privacy.models import ConsentRecord, ConsentSource
from clientvault.privacy.services.consent import current_consent, grant_consent
from clientvault.privacy.taxonomy import Purpose
from tests.accounts.mailutil import deliver_mail, free_port, smtp_server  # noqa: F401
from tests.accounts.personas import customer  # noqa: F401
from tests.messaging.test_inbound import OPT_OUT, mail

# The listener acts in its own thread, with its own database connection: the test's data must
# be committed for it to see, so these tests run outside a wrapping transaction.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "keys"])
ADDRESS = "ada@example.com"


def started(*, lmtp: bool = False) -> Iterator[Listener]:
    server = Listener(host="127.0.0.1", port=free_port(), lmtp=lmtp)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def listener() -> Iterator[Listener]:
    yield from started()


@pytest.fixture
def lmtp_listener() -> Iterator[Listener]:
    yield from started(lmtp=True)


def send(server: Listener, raw: bytes, *, to: str = OPT_OUT) -> tuple[int, str]:
    """MAIL, RCPT and DATA by SMTP (or LMTP); the reply to the first that is refused."""
    client_class = smtplib.LMTP if server.lmtp else smtplib.SMTP
    with client_class(server.hostname, server.port, timeout=10) as client:
        client.ehlo()  # LHLO for LMTP
        client.mail(ADDRESS)
        code, text = client.rcpt(to)
        if code >= 400:
            return code, text.decode()
        code, text = client.data(raw)
        return code, text.decode()


def consenting(person):
    grant_consent(
        subject=person.subject, purpose=Purpose.MARKETING, source=ConsentSource.FORM, actor=None
    )
    return person.subject


def test_an_smtp_request_to_stop_is_answered_250_and_confirmed(listener, customer, smtp_server):
    subject = consenting(customer)
    code, text = send(listener, mail())
    assert code == 250
    assert "Request to stop marketing received" in text
    assert not current_consent(subject=subject, purpose=Purpose.MARKETING)
    newest = ConsentRecord.objects.filter(subject=subject).latest("at", "id")
    assert newest.source == ConsentSource.EMAIL
    assert deliver_mail() == 1
    assert smtp_server.wait_for(ADDRESS)["Subject"] == "You have unsubscribed"


def test_lmtp_takes_the_message_too(lmtp_listener, customer):
    subject = consenting(customer)
    code, _ = send(lmtp_listener, mail())
    assert code == 250
    assert not current_consent(subject=subject, purpose=Purpose.MARKETING)


def test_a_recipient_that_is_not_ours_is_refused_at_rcpt(listener):
    code, text = send(listener, mail(to="sales@example.com"), to="sales@example.com")
    assert code == 550
    assert text.startswith("5.1.1 No such mailbox here")


def test_a_malformed_message_is_refused_naming_the_problem(listener, customer):
    code, text = send(listener, b"this is not an e-mail message")
    assert (code, text) == (
        550,
        "5.6.0 The message is malformed: its header or its parts cannot be read.",
    )


def test_a_message_without_a_sender_is_refused(listener, customer):
    code, text = send(listener, mail().replace(b"From: ada@example.com\r\n", b""))
    assert code == 550
    assert "no sender" in text


def test_a_message_over_the_limit_is_refused_with_552_naming_the_limit(settings, customer):
    settings.CLIENTVAULT_MAIL_MAX_BYTES = 2048
    for server in started():
        code, text = send(server, mail(subject="unsubscribe " + "x" * 4000))
        assert (code, text) == (552, "5.3.4 The message is too big: the limit is 2048 bytes.")
        with smtplib.SMTP(server.hostname, server.port, timeout=10) as client:
            client.ehlo()
            assert client.esmtp_features["size"] == "2048"
            # A client that says the size first is refused before it sends the message.
            with pytest.raises(smtplib.SMTPSenderRefused) as refused:
                client.sendmail(ADDRESS, [OPT_OUT], b"x" * 4000)
        assert refused.value.smtp_code == 552
        assert b"the limit is 2048 bytes" in refused.value.smtp_error
    assert Message.objects.count() == 0


def test_an_internal_error_is_answered_451_and_logged_without_the_message(
    listener, customer, monkeypatch, caplog
):
    def failing(raw, *, envelope_to=None):
        raise RuntimeError(f"could not take mail from {ADDRESS}")

    monkeypatch.setattr(listener_module, "receive", failing)
    code, text = send(listener, mail())
    assert (code, text) == (451, "4.3.0 The message could not be taken now; try again later.")
    assert "RuntimeError" in caplog.text
    assert ADDRESS not in caplog.text


def test_nothing_personal_is_logged_while_serving(listener, customer, caplog):
    caplog.set_level(logging.DEBUG)
    consenting(customer)
    assert send(listener, mail(sender="Ada Lovelace <ada@example.com>"))[0] == 250
    assert send(listener, mail(sender="mallory@example.org"))[0] == 250
    assert send(listener, b"garbage")[0] == 550
    logged = caplog.text.lower()
    assert "inbound mail" in logged
    for personal in (ADDRESS, "lovelace", "mallory@example.org", str(customer.subject_id)):
        assert personal.lower() not in logged
