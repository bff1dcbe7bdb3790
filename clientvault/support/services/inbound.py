"""Mail to the support address (a mailbox registered with messaging's listener): tickets.

``take`` runs inside the listener's transaction for one message, and in this order:

1. A message a machine sent (an autoresponder, a mailing list, a mail system: see
   ``messaging.inbound.loops``), or one from support's own addresses, is dropped unanswered, so
   no mail loop starts (``LOOP_IGNORED``).
2. A message taken before (the same Message-ID, kept as a digest on the ticket's message) is
   not taken again (``DUPLICATE``): a sending server that retries adds nothing.
3. Its text and files are read; a message without text is refused with a 550 that says so.
4. A reply to a ticket names its reply token in the address (``support+<token>@...``), and
   joins the ticket only when its sender is the ticket's correspondent or a person of its
   account: the token is the secret, and a ticket's number alone, in the subject line or
   anywhere, never joins anything. A message without a valid token opens a new ticket.
5. A reply to a closed ticket opens a new ticket that names the closed one (a closed ticket
   takes no more replies); the acknowledgement says why.
6. The sender is told, within the hourly limit per address: the ticket's number and reply
   address for a new ticket; for a reply, only when a secret was removed or a file left out.

A sender on record counts as such only when the message's DKIM signature did not fail: a
forged sender's message opens a correspondent's ticket, not one on the account. A service's
refusal (a text too long) becomes an SMTP refusal naming the problem, with nothing stored.
"""

from __future__ import annotations

import hashlib
import uuid
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clientvault.accounts.models import Permission, Person
from clientvault.accounts.services.customers import find_person_by_email
from clientvault.messaging.inbound import Action, MailRejected
from clientvault.messaging.inbound.loops import is_automatic
from clientvault.messaging.inbound.mailboxes import Mailbox
from clientvault.messaging.inbound.parse import Inbound
from clientvault.messaging.inbound.signatures import signed_by_sender
from clientvault.support.addresses import support_addresses
from clientvault.support.errors import error_codes
from clientvault.support.models import Ticket, TicketMessage
from clientvault.support.services.mail_reading import Letter, read_letter
from clientvault.support.services.mail_tickets import (
    Screened,
    acknowledge,
    body_with_note,
    correspondent_for,
    may_write_to,
    open_ticket_by_mail,
    reply_by_mail,
    screen_files,
)
from clientvault.support.services.tickets import Posted


class Refused(MailRejected):
    """A service refused the message's content (too long, say): its message, as an SMTP reply."""

    def __init__(self, error: ValidationError) -> None:
        super().__init__(" ".join(error.messages))
        if "too_long" in error_codes(error):
            self.smtp_code, self.enhanced = 552, "5.3.4"


def mail_digest(inbound: Inbound) -> str:
    """What a message is known by when it comes again: a digest of its Message-ID (of its
    bytes, when it has none)."""
    source = inbound.header_id.encode() if inbound.header_id else inbound.raw
    return hashlib.sha256(source).hexdigest()


def from_ourselves(address: str) -> bool:
    own = {a.lower() for a in support_addresses()}
    own.add(parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower())
    local, _, domain = address.lower().rpartition("@")
    return address.lower() in own or f"{local.partition('+')[0]}@{domain}" in own


def sender_on_record(inbound: Inbound, dkim: str) -> Person | None:
    """The person of an account writing, if they may use support and their mail is signed by
    their address's domain (DKIM): anyone can put another's address in From, so mail that is
    unsigned, or signed by someone else, writes as a correspondent and never on an account."""
    if not signed_by_sender(inbound, dkim):
        return None
    person = find_person_by_email(inbound.sender)
    if person is None or person.subject.is_erased or not person.may(Permission.SUPPORT):
        return None
    return person


def addressed_ticket(inbound: Inbound, person: Person | None) -> Ticket | None:
    """The ticket whose reply token the message is addressed to, if its sender may write."""
    for token in SUPPORT_MAILBOX.details(inbound.recipients):
        ticket = Ticket.objects.select_related("correspondent").filter(reply_token=token).first()
        if ticket is not None and may_write_to(ticket, person=person, address=inbound.sender):
            return ticket
    return None


def take(inbound: Inbound, dkim: str) -> str:
    """Act on a message to the support address; the outcome's Action."""
    if is_automatic(inbound) or from_ourselves(inbound.sender):
        return Action.LOOP_IGNORED
    digest = mail_digest(inbound)
    if TicketMessage.objects.filter(mail_digest=digest).exists():
        return Action.DUPLICATE
    letter = read_letter(inbound)
    person = sender_on_record(inbound, dkim)
    ticket = addressed_ticket(inbound, person)
    try:
        with transaction.atomic():  # a savepoint: a redelivery racing this one leaves it whole
            if ticket is not None and not ticket.is_closed:
                return _join(inbound, letter, ticket, person, digest)
            return _open(inbound, letter, person, digest, dkim, follows=ticket)
    except ValidationError as error:
        raise Refused(error) from None
    except IntegrityError:
        if TicketMessage.objects.filter(mail_digest=digest).exists():
            return Action.DUPLICATE  # the same message, taken meanwhile by another delivery
        raise


def _join(
    inbound: Inbound, letter: Letter, ticket: Ticket, person: Person | None, digest: str
) -> str:
    screened = screen_files(letter.files)
    posted = reply_by_mail(
        ticket=ticket,
        person=person,
        body=body_with_note(letter, screened),
        files=screened.files,
        mail_digest=digest,
    )
    if posted.explanation or screened.refused:
        subject_id = person.subject_id if person else ticket.subject_id
        _tell(inbound, posted, screened, subject_id, digest, opened=False)
    return Action.TICKET_REPLIED


def _open(
    inbound: Inbound,
    letter: Letter,
    person: Person | None,
    digest: str,
    dkim: str,
    *,
    follows: Ticket | None,
) -> str:
    screened = screen_files(letter.files)
    correspondent = None
    if person is None:
        correspondent = correspondent_for(address=inbound.sender, name=sender_name(inbound))
    posted = open_ticket_by_mail(
        letter=letter,
        body=body_with_note(letter, screened, follows=follows),
        files=screened.files,
        person=person,
        correspondent=correspondent,
        mail_digest=digest,
        dkim=dkim,
    )
    subject_id = person.subject_id if person else posted.ticket.subject_id
    _tell(inbound, posted, screened, subject_id, digest, opened=True, follows=follows)
    return Action.TICKET_OPENED


def _tell(
    inbound: Inbound,
    posted: Posted,
    screened: Screened,
    subject_id: uuid.UUID,
    digest: str,
    *,
    opened: bool,
    follows: Ticket | None = None,
) -> None:
    acknowledge(
        posted=posted,
        screened=screened,
        to=inbound.sender,
        subject_id=subject_id,
        key=f"support-ack-{digest[:40]}",
        opened=opened,
        follows=follows,
    )


def sender_name(inbound: Inbound) -> str:
    """The display name of the From header ("" for none)."""
    addresses = getattr(inbound.message["From"], "addresses", ())
    return str(addresses[0].display_name) if addresses else ""


SUPPORT_MAILBOX = Mailbox("support", support_addresses, take, subaddresses=True)
