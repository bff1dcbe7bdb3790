"""Mailboxes that apps above messaging register (messaging.inbound.mailboxes): their addresses
are taken at RCPT, and a message to them is handed to the app inside receive's transaction."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator

import pytest
from django.db import connection

from clientvault.messaging.inbound import Action, Dkim, MailRejected, receive
from clientvault.messaging.inbound.listener import Listener
from clientvault.messaging.inbound.mailboxes import (
    Mailbox,
    mailbox_for,
    register_mailbox,
    unregister_mailbox,
)
from clientvault.messaging.inbound.parse import Inbound
from clientvault.messaging.inbound.problems import Malformed, UnknownRecipient
from clientvault.messaging.inbound.routing import is_ours
from tests.accounts.mailutil import free_port
from tests.messaging.test_inbound import OPT_OUT, mail

HELP = "help@example.org"
taken: list[tuple[Inbound, str, bool]] = []


def take(inbound: Inbound, dkim: str) -> str:
    if "refuse" in str(inbound.message["Subject"]):
        raise Malformed("The test mailbox refuses this message.")
    taken.append((inbound, dkim, connection.in_atomic_block))
    return Action.TICKET_OPENED


@pytest.fixture
def helpdesk() -> Iterator[Mailbox]:
    mailbox = Mailbox("test-help", lambda: [HELP], take, subaddresses=True)
    register_mailbox(mailbox)
    taken.clear()
    yield mailbox
    unregister_mailbox("test-help")


def test_a_mailboxs_addresses_and_subaddresses_are_ours(helpdesk):
    assert is_ours(HELP)
    assert is_ours("Help+Secret42@Example.org")
    assert not is_ours("help-desk@example.org")
    assert not is_ours("help@example.com")
    unregister_mailbox("test-help")
    assert not is_ours(HELP)


def test_the_detail_of_a_subaddress_is_read_back(helpdesk):
    assert helpdesk.detail_of("help+abc@example.org") == "abc"
    assert helpdesk.detail_of(HELP) == ""
    assert helpdesk.detail_of("other@example.org") is None
    assert helpdesk.details(["x@example.net", "help+abc@example.org", HELP]) == ("abc",)


def test_without_subaddresses_only_the_address_itself_is_taken():
    register_mailbox(Mailbox("test-plain", lambda: [HELP], take))
    try:
        assert mailbox_for(HELP) is not None
        assert mailbox_for("help+abc@example.org") is None
    finally:
        unregister_mailbox("test-plain")


@pytest.mark.django_db(databases=["default", "keys"])
def test_a_message_to_a_mailbox_is_taken_by_it_inside_a_transaction(helpdesk):
    outcome = receive(mail(to=HELP, subject="My site is down"), envelope_to=[HELP])
    assert outcome.action == Action.TICKET_OPENED
    assert outcome.summary == "Ticket opened (DKIM absent)."
    [(inbound, dkim, in_transaction)] = taken
    assert inbound.recipients == (HELP,)
    assert dkim == Dkim.ABSENT
    assert in_transaction


@pytest.mark.django_db(databases=["default", "keys"])
def test_a_refusal_by_the_mailbox_rejects_the_message(helpdesk):
    with pytest.raises(MailRejected, match="refuses this message"):
        receive(mail(to=HELP, subject="refuse me"), envelope_to=[HELP])
    assert taken == []


@pytest.mark.django_db(databases=["default", "keys"])
def test_an_opt_out_address_is_acted_on_before_a_mailbox(helpdesk):
    outcome = receive(mail(), envelope_to=[OPT_OUT, HELP])
    assert outcome.action == Action.OPT_OUT
    assert taken == []


@pytest.mark.django_db(databases=["default", "keys"])
def test_an_unregistered_address_is_still_refused(helpdesk):
    with pytest.raises(UnknownRecipient):
        receive(mail(to="nobody@example.org"), envelope_to=["nobody@example.org"])


@pytest.mark.django_db(transaction=True, databases=["default", "keys"])
def test_the_listener_accepts_a_mailbox_at_rcpt_and_answers_its_outcome(helpdesk):
    server = Listener(host="127.0.0.1", port=free_port())
    server.start()
    try:
        with smtplib.SMTP(server.hostname, server.port, timeout=10) as client:
            client.ehlo()
            client.mail("ada@example.com")
            assert client.rcpt("help+abc@example.org")[0] == 250
            code, text = client.data(mail(to="help+abc@example.org"))
    finally:
        server.stop()
    assert (code, text.decode()) == (250, "2.0.0 Ticket opened (DKIM absent).")
    assert taken[0][0].recipients == ("help+abc@example.org",)
