# ruff: noqa: F811  (pytest fixtures imported from mailutil and support)
"""Headers a kind declares: a Reply-To taken from one of its values, and RFC 3834's
Auto-Submitted (with X-Auto-Response-Suppress) on automatic answers."""

from __future__ import annotations

import pytest

from clientvault.messaging.kinds import TemplateProblem, declare
from clientvault.messaging.models import Category
from clientvault.messaging.services.outbox import queue_message
from tests.accounts.mailutil import smtp_server  # noqa: F401
from tests.accounts.smsutil import run_jobs
from tests.kernelapp.messages import ANSWER
from tests.messaging.support import ADDRESS, queue_notice, recipient  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
REPLY_TO = "support+0123abcd@example.com"


def queue_answer(subject, reply_to: str = REPLY_TO):
    return queue_message(
        subject_id=subject.id,
        to=ADDRESS,
        kind=ANSWER.key,
        context={"thing": "ticket", "reply_to": reply_to},
    )


def test_the_reply_to_value_becomes_the_reply_to_header(recipient, smtp_server):
    queue_answer(recipient)
    assert run_jobs() == 1
    [sent] = smtp_server.messages
    assert sent["Reply-To"] == REPLY_TO
    assert sent["Subject"] == "About your ticket"


def test_an_automatic_answer_says_so_by_rfc_3834(recipient, smtp_server):
    queue_answer(recipient)
    run_jobs()
    [sent] = smtp_server.messages
    assert sent["Auto-Submitted"] == "auto-replied"
    assert sent["X-Auto-Response-Suppress"] == "All"


def test_a_kind_without_them_sends_neither_header(recipient, smtp_server):
    queue_notice(recipient)
    run_jobs()
    [sent] = smtp_server.messages
    assert sent["Reply-To"] is None
    assert sent["Auto-Submitted"] is None


def test_an_empty_reply_to_value_sends_no_reply_to(recipient, smtp_server):
    queue_answer(recipient, reply_to="")
    run_jobs()
    [sent] = smtp_server.messages
    assert sent["Reply-To"] is None


@pytest.mark.parametrize(
    "value",
    [
        "Support <support@example.com>",
        "a@example.com, b@example.com",
        "support@example.com\r\nBcc: x@example.com",
        "not an address",
    ],
)
def test_a_reply_to_value_that_is_not_one_address_is_refused_when_queued(recipient, value):
    with pytest.raises(TemplateProblem, match="'reply_to' is not one e-mail address"):
        queue_answer(recipient, reply_to=value)


def test_the_reply_to_value_must_be_a_declared_variable():
    with pytest.raises(ValueError, match="the Reply-To value 'answer_to' is not a variable"):
        declare(
            "kernelapp.bad_reply_to",
            category=Category.SERVICE,
            text_template="x.txt",
            reply_to_variable="answer_to",
        )


def test_auto_submitted_takes_only_rfc_3834_values():
    with pytest.raises(ValueError, match="Auto-Submitted is one of auto-generated, auto-replied"):
        declare(
            "kernelapp.bad_auto",
            category=Category.SERVICE,
            text_template="x.txt",
            auto_submitted="yes",
        )
