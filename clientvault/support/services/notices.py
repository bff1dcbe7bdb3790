"""Telling the ticket's correspondent about a staff reply, through the outbox.

The reply goes to the e-mail address on record of the person who opened the ticket (the
account owner when staff opened it), or to the correspondent who wrote in; queued in the
transaction that stores the reply, under a key naming the reply, so it is sent once. Its
Reply-To is the ticket's reply address, so an answer by e-mail joins the ticket.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.urls import reverse

from clientvault.accounts.models import Permission, Person, PersonRole
from clientvault.accounts.services.clientlog import on_record
from clientvault.messaging.kinds import Kind
from clientvault.messaging.services.outbox import queue_message
from clientvault.support.addresses import reply_address
from clientvault.support.messages import TICKET_REPLY
from clientvault.support.models import Ticket, TicketMessage


def recipient(ticket: Ticket) -> tuple[uuid.UUID, str] | None:
    """(subject id, address on record) of whom the ticket's mail goes to; None when erased."""
    if ticket.correspondent is not None:
        address = on_record(ticket.correspondent.email)
        return (ticket.correspondent.subject_id, address) if address else None
    person = _opener(ticket) or _owner(ticket)
    if person is None:
        return None
    address = on_record(person.email)
    return (person.subject_id, address) if address else None


def _opener(ticket: Ticket) -> Person | None:
    """Who opened the ticket, while they may still use support on its account (their
    permission withdrawn, they get no more of it: the owner does)."""
    opener = ticket.opened_by
    if opener is None or opener.customer_id != ticket.customer_id:
        return None
    return opener if opener.may(Permission.SUPPORT) else None


def _owner(ticket: Ticket) -> Person | None:
    if ticket.customer_id is None:
        return None
    return Person.objects.filter(customer_id=ticket.customer_id, role=PersonRole.OWNER).first()


def ticket_url(ticket: Ticket) -> str:
    if ticket.customer_id is None:
        return ""
    return settings.CLIENTVAULT_SITE_URL + reverse("support:ticket", args=[ticket.number])


def send(ticket: Ticket, kind: Kind, context: dict[str, str], key: str) -> bool:
    to = recipient(ticket)
    if to is None:
        return False
    queue_message(subject_id=to[0], to=to[1], kind=kind.key, context=context, key=key)
    return True


def notify_reply(*, ticket: Ticket, message: TicketMessage, reply: str) -> bool:
    """Mail a staff reply's text to the ticket's correspondent (False when there is no address)."""
    context = {
        "number": ticket.number,
        "reply": reply,
        "ticket_url": ticket_url(ticket),
        "reply_to": reply_address(ticket),
    }
    return send(ticket, TICKET_REPLY, context, key=f"support-reply-{message.pk}")
