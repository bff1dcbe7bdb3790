# ruff: noqa: F811  (pytest fixtures imported from mailutil)
"""Mail to support that must not become a ticket as it came: auto-replies (mail loops), empty
or huge messages, secrets, and files that are too big or lie about their type."""

from __future__ import annotations

import pytest

from clientvault.messaging.inbound import Action, MailRejected
from clientvault.messaging.models import Message
from clientvault.support.models import Attachment, Correspondent, Ticket, TicketMessage
from clientvault.support.services.attachments import MAX_BYTES
from clientvault.support.services.mail_tickets import ACKNOWLEDGEMENTS_PER_HOUR
from tests.accounts.mailutil import body, deliver_mail, smtp_server  # noqa: F401
from tests.support.mail import (
    CARD,
    CARD_DIGITS,
    STRANGER,
    letter,
    only_ticket,
    opened,
    reply_to,
    send,
    stored_texts,
)

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"X-Autoreply": "yes"},
        {"X-Autorespond": "yes"},
        {"X-Auto-Response-Suppress": "OOF"},
        {"List-Id": "<users.lists.example.org>"},
    ],
)
def test_an_auto_reply_opens_no_ticket_and_gets_no_answer(headers):
    assert send(letter(headers=headers)).action == Action.LOOP_IGNORED
    assert not Ticket.objects.exists()
    assert not Correspondent.objects.exists()
    assert not Message.objects.exists()


def test_an_out_of_office_reply_to_a_tickets_address_is_not_added():
    send(letter())
    ticket = only_ticket()
    auto = letter(subject="Out of office", headers={"Auto-Submitted": "auto-replied"})
    assert send(auto, to=reply_to(ticket)).action == Action.LOOP_IGNORED
    assert ticket.messages.count() == 1


def test_a_mail_systems_message_is_not_answered():
    assert send(letter(sender="MAILER-DAEMON@mx.example.net")).action == Action.LOOP_IGNORED
    assert not Ticket.objects.exists()


def test_a_sender_gets_a_limited_number_of_acknowledgements_an_hour():
    for n in range(ACKNOWLEDGEMENTS_PER_HOUR + 3):
        send(letter(subject=f"Question {n}"))
    assert Ticket.objects.count() == ACKNOWLEDGEMENTS_PER_HOUR + 3
    assert Message.objects.count() == ACKNOWLEDGEMENTS_PER_HOUR
    send(letter(sender="someone-else@example.net"))
    assert Message.objects.count() == ACKNOWLEDGEMENTS_PER_HOUR + 1


def test_an_empty_message_is_refused_naming_the_problem():
    with pytest.raises(MailRejected) as refused:
        send(letter(text="  \n\n"))
    assert refused.value.reply() == (
        "550 5.6.0 The message has no text: write your question in the message itself and "
        "send it again."
    )
    assert not Ticket.objects.exists()
    assert not Correspondent.objects.exists()


def test_a_message_that_is_only_files_is_refused_as_empty():
    with pytest.raises(MailRejected, match="has no text"):
        send(letter(text=None, files=[("screen.png", PNG, "image/png")]))
    assert not Attachment.objects.exists()


def test_a_huge_text_is_refused_with_552_naming_the_limit():
    with pytest.raises(MailRejected) as refused:
        send(letter(text="word " * 5_000))
    assert refused.value.reply().startswith("552 5.3.4 The message is too long: 24,999")
    assert "at most 20,000" in str(refused.value)
    assert not Ticket.objects.exists()
    assert not Correspondent.objects.exists()


def test_a_card_number_is_removed_from_the_ticket_and_the_outbox(smtp_server):
    send(
        letter(
            subject=f"Card {CARD} declined",
            text=f"Please charge my card {CARD} again.\n",
            files=[("notes.txt", f"card: {CARD}\n".encode(), "text/plain")],
        )
    )
    ticket = only_ticket()
    assert "[card number removed]" in opened(ticket, "title")
    message = ticket.messages.get()
    assert opened(message, "body") == "Please charge my card [card number removed] again."
    assert message.removed == {"card": 2}
    assert CARD_DIGITS not in opened(Attachment.objects.get(), "data")
    deliver_mail()
    sent = smtp_server.wait_for(STRANGER)
    told = body(sent)
    assert "We removed" in told
    assert "card number" in told
    texts = "\n".join(stored_texts())
    assert CARD not in texts
    assert CARD_DIGITS not in texts.replace(" ", "")


def test_a_disguised_file_is_left_out_and_the_sender_told(smtp_server):
    files = [("invoice.pdf", PROGRAM, "application/pdf"), ("screen.png", PNG, "image/png")]
    send(letter(files=files))
    ticket = only_ticket()
    [kept] = Attachment.objects.all()
    assert opened(kept, "filename") == "screen.png"
    text = opened(ticket.messages.get(), "body")
    assert "(Files not kept:\n- The file \u201cinvoice.pdf\u201d is not a type we accept" in text
    deliver_mail()
    told = body(smtp_server.wait_for(STRANGER))
    assert "We could not accept some of the files you sent" in told
    assert "\u201cinvoice.pdf\u201d is not a type we accept" in told


def test_a_file_named_as_another_type_is_left_out():
    send(letter(files=[("photo.pdf", PNG, "application/pdf")]))
    assert not Attachment.objects.exists()
    assert "is named as another type than it holds" in opened(TicketMessage.objects.get(), "body")


def test_an_oversized_file_is_left_out_naming_the_limit(smtp_server, settings):
    settings.CLIENTVAULT_MAIL_MAX_BYTES = 3 * MAX_BYTES
    big = PNG + b"\x00" * MAX_BYTES
    send(letter(files=[("huge.png", big, "image/png")]))
    assert not Attachment.objects.exists()
    deliver_mail()
    assert "\u201chuge.png\u201d is 5.0 MB; at most 5 MB each" in body(
        smtp_server.wait_for(STRANGER)
    )


def test_a_reply_that_loses_a_file_is_answered_saying_so(smtp_server):
    send(letter())
    ticket = only_ticket()
    deliver_mail()
    send(letter(files=[("run.exe", PROGRAM, "application/octet-stream")]), to=reply_to(ticket))
    assert ticket.messages.count() == 2
    deliver_mail()
    answer = smtp_server.to(STRANGER)[-1]
    assert answer["Subject"] == f"[{ticket.number}] About your reply"
    assert "\u201crun.exe\u201d is not a type we accept" in body(answer)
    assert answer["Auto-Submitted"] == "auto-replied"


def test_a_plain_reply_is_not_acknowledged():
    send(letter())
    ticket = only_ticket()
    send(letter(text="Thanks!"), to=reply_to(ticket))
    assert Message.objects.count() == 1
