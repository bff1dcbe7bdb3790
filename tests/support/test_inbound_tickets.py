# ruff: noqa: F811  (pytest fixtures imported from mailutil and personas)
"""Mail to the support address (support.services.inbound): a stranger's message opens a
correspondent's ticket, a customer's one on their account, a reply by its token joins its
ticket, and a number alone joins nothing."""

from __future__ import annotations

import logging
import sys

import pytest

from clientvault.messaging.inbound import Action, Dkim
from clientvault.messaging.models import Message
from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.models import AuditEvent
from clientvault.support.messages import TICKET_RECEIVED
from clientvault.support.models import (
    AuthorKind,
    Correspondent,
    Department,
    Ticket,
    TicketChannel,
    TicketMessage,
    TicketStatus,
)
from clientvault.support.services.tickets import close_ticket
from tests.accounts.mailutil import body, deliver_mail, smtp_server  # noqa: F401
from tests.accounts.personas import (  # noqa: F401
    OWNER_DETAILS,
    add_authorised_user,
    customer,
    outsider,
    teammate,
)
from tests.messaging.dnsserver import dkim_key, publish, sign
from tests.support.mail import (  # noqa: F401
    STRANGER,
    SUPPORT,
    dns_server,
    letter,
    only_ticket,
    opened,
    reply_to,
    send,
    vouched,
)

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
ADA = OWNER_DETAILS["email"]


def test_a_strangers_mail_opens_a_ticket_for_a_new_correspondent(smtp_server):
    outcome = send(letter(sender=f"Mallory Example <{STRANGER}>"))
    assert outcome.action == Action.TICKET_OPENED
    ticket = only_ticket()
    assert ticket.customer is None
    assert (ticket.department, ticket.channel) == (Department.SUPPORT, TicketChannel.EMAIL)
    correspondent = ticket.correspondent
    assert str(correspondent.email) == STRANGER
    assert str(correspondent.name) == "Mallory Example"
    assert ticket.subject_id == correspondent.subject_id
    assert opened(ticket, "title") == "My site is down"
    [message] = ticket.messages.all()
    assert message.author_kind == AuthorKind.CORRESPONDENT
    assert opened(message, "body") == "Hello, my site shows an error since this morning."


def test_the_acknowledgement_carries_the_tickets_reply_address(smtp_server):
    send(letter())
    ticket = only_ticket()
    queued = Message.objects.get()
    assert queued.kind == TICKET_RECEIVED.key
    assert deliver_mail() == 1
    sent = smtp_server.wait_for(STRANGER)
    assert sent["Reply-To"] == f"support+{ticket.reply_token}@example.com"
    assert sent["Auto-Submitted"] == "auto-replied"
    assert sent["Subject"] == f"[{ticket.number}] We received your message"
    assert f"Your message is now ticket {ticket.number}" in body(sent)


def test_the_same_stranger_writing_again_is_the_same_correspondent():
    send(letter())
    send(letter(subject="Another question"))
    assert Ticket.objects.count() == 2
    assert Correspondent.objects.count() == 1


def test_a_customers_mail_opens_a_ticket_on_their_account(customer, vouched):
    send(vouched(letter(sender=ADA)))
    ticket = only_ticket()
    assert (ticket.customer, ticket.opened_by, ticket.correspondent) == (
        customer.customer,
        customer,
        None,
    )
    assert ticket.subject_id == customer.subject_id
    assert ticket.messages.get().author_kind == AuthorKind.CUSTOMER
    event = AuditEvent.objects.get(action="support.ticket_opened")
    assert event.details["channel"] == TicketChannel.EMAIL
    assert event.details["dkim"] == "passed"


def test_an_unsigned_mail_in_a_customers_name_writes_as_a_correspondent(customer):
    send(letter(sender=ADA))  # anyone can write this From line
    ticket = only_ticket()
    assert ticket.customer is None
    assert ticket.correspondent is not None


def test_mail_signed_by_another_domain_writes_as_a_correspondent(customer, dns_server):
    key = dkim_key()
    publish(dns_server, key, domain="example.net")
    outcome = send(sign(letter(sender=ADA), key, domain="example.net"))  # a valid signature
    assert outcome.dkim == Dkim.PASSED
    assert only_ticket().customer is None


def test_an_authorised_user_with_the_support_permission_opens_one_on_the_account(teammate, vouched):
    send(vouched(letter(sender="grace@example.com")))
    assert only_ticket().customer == teammate.customer


def test_a_person_without_the_support_permission_writes_as_a_correspondent(customer):
    add_authorised_user(customer, username="linus", email="linus@example.com")
    send(letter(sender="linus@example.com"))
    ticket = only_ticket()
    assert ticket.customer is None
    assert ticket.correspondent is not None


def test_a_reply_to_the_reply_address_joins_the_ticket():
    send(letter())
    ticket = only_ticket()
    outcome = send(
        letter(subject="Re: My site is down", text="It works again."), to=reply_to(ticket)
    )
    assert outcome.action == Action.TICKET_REPLIED
    assert Ticket.objects.count() == 1
    texts = [opened(m, "body") for m in ticket.messages.all()]
    assert texts[-1] == "It works again."


def test_a_customers_reply_by_its_token_joins_their_ticket(customer, vouched):
    send(vouched(letter(sender=ADA)))
    ticket = only_ticket()
    send(vouched(letter(sender=ADA, text="More details.")), to=reply_to(ticket))
    assert ticket.messages.count() == 2
    assert ticket.messages.last().author_person == customer


def test_a_guessed_ticket_number_without_the_token_opens_a_new_ticket():
    send(letter())
    ticket = only_ticket()
    intruder = letter(sender="eve@example.net", subject=f"Re: [{ticket.number}] My site is down")
    assert send(intruder).action == Action.TICKET_OPENED
    assert ticket.messages.count() == 1
    assert Ticket.objects.count() == 2


def test_the_token_from_another_sender_does_not_join_the_ticket():
    send(letter())
    ticket = only_ticket()
    assert send(letter(sender="eve@example.net"), to=reply_to(ticket)).action == (
        Action.TICKET_OPENED
    )
    assert ticket.messages.count() == 1


def test_an_outsider_cannot_join_a_customers_ticket_even_with_its_token(customer, outsider):
    send(letter(sender=ADA))
    ticket = only_ticket()
    send(letter(sender="otto@example.net"), to=reply_to(ticket))
    assert ticket.messages.count() == 1


def test_a_made_up_token_opens_a_new_ticket():
    assert send(letter(), to="support+0123456789abcdef@example.com").action == (
        Action.TICKET_OPENED
    )


def test_a_redelivered_message_is_taken_once():
    raw = letter(message_id="<once@example.net>")
    assert send(raw).action == Action.TICKET_OPENED
    assert send(raw).action == Action.DUPLICATE
    assert TicketMessage.objects.count() == 1
    assert Message.objects.count() == 1


def test_a_redelivered_reply_is_added_once():
    send(letter())
    ticket = only_ticket()
    raw = letter(text="Once only.", message_id="<reply-once@example.net>")
    send(raw, to=reply_to(ticket))
    assert send(raw, to=reply_to(ticket)).action == Action.DUPLICATE
    assert ticket.messages.count() == 2


def test_a_reply_to_a_closed_ticket_opens_a_new_one_naming_it(smtp_server):
    send(letter())
    old = only_ticket()
    close_ticket(ticket=old, actor=SYSTEM)
    deliver_mail()
    send(letter(subject="Re: My site is down", text="It broke again."), to=reply_to(old))
    new = Ticket.objects.exclude(pk=old.pk).get()
    assert new.status == TicketStatus.OPEN
    assert new.correspondent == old.correspondent
    text = opened(new.messages.get(), "body")
    assert text.startswith(f"(In reply to ticket {old.number}, which is closed.)")
    assert old.messages.count() == 1
    deliver_mail()
    sent = smtp_server.to(STRANGER)[-1]
    assert f"Ticket {old.number}, which you replied to, is closed" in body(sent)
    assert sent["Reply-To"] == reply_to(new)


def test_the_html_of_a_message_without_text_is_read_as_text():
    html = "<html><body><p>Hello &amp; welcome</p><p>Line <b>two</b></p></body></html>"
    send(letter(text=None, html=html))
    assert opened(TicketMessage.objects.get(), "body") == "Hello & welcome\nLine two"


def test_the_quoted_history_of_a_reply_is_left_out():
    send(letter())
    ticket = only_ticket()
    text = (
        "Thanks, that fixed it.\n\nOn Mon, 5 Jan 2026 at 10:00, Support <support@example.com> "
        "wrote:\n> Please clear your cache.\n> Regards\n"
    )
    send(letter(text=text), to=reply_to(ticket))
    assert opened(ticket.messages.last(), "body") == "Thanks, that fixed it."


def test_a_subject_line_loses_its_reply_prefixes():
    send(letter(subject="Re: Fwd: [T-123456] Invoice question"))
    assert opened(only_ticket(), "title") == "Invoice question"


def test_a_message_without_a_subject_gets_a_title():
    send(letter(subject=""))
    assert opened(only_ticket(), "title") == "Message by e-mail without a subject"


def test_the_mail_is_not_for_support_when_sent_to_the_opt_out_address():
    outcome = send(letter(to="optout@example.com"), to="optout@example.com")
    assert outcome.action == Action.OPT_OUT
    assert not Ticket.objects.exists()


def test_a_message_from_supports_own_address_is_not_answered():
    assert send(letter(sender=SUPPORT)).action == Action.LOOP_IGNORED
    assert send(letter(sender="clientvault@localhost")).action == Action.LOOP_IGNORED
    assert not Ticket.objects.exists()


def test_a_customers_address_with_a_failed_signature_writes_as_a_correspondent(
    customer, monkeypatch
):
    receive_module = sys.modules["clientvault.messaging.inbound.receive"]
    monkeypatch.setattr(receive_module, "check_dkim", lambda inbound: Dkim.FAILED)
    send(letter(sender=ADA))
    ticket = only_ticket()
    assert ticket.customer is None
    assert ticket.correspondent is not None


def test_nothing_personal_is_logged(caplog, customer):
    caplog.set_level(logging.DEBUG)
    send(letter(sender=f"Mallory Example <{STRANGER}>", subject="Secret plans"))
    send(letter(sender=ADA, text="Call me on 020 7946 0018."))
    logged = caplog.text.lower()
    assert "ticket opened" in logged
    for personal in (STRANGER, ADA, "mallory example", "secret plans", "7946"):
        assert personal.lower() not in logged
