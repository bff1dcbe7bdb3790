"""Leaving a list by the link in a message (RFC 8058 one-click, or the page behind it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from clientvault.messaging.unsubscribe import Ticket, read_token
from clientvault.privacy.models import ConsentSource, Subject
from clientvault.privacy.services.consent import current_consent, withdraw_consent


class InvalidToken(ValueError):
    """The link was forged, altered or cut short."""


@dataclass(frozen=True)
class Unsubscribed:
    ticket: Ticket
    recorded: bool  # False: the consent was withdrawn already (nothing new to record)


def unsubscribe(*, token: str) -> Unsubscribed:
    """Withdraw the consent the token names, at once, with source ``link``.

    Idempotent: a second POST (mail providers retry) records nothing more. A forged or altered
    token raises InvalidToken and changes nothing; so does a token whose subject is gone.
    """
    ticket = read_token(token)
    subject = Subject.objects.filter(pk=ticket.subject_id).first() if ticket else None
    if ticket is None or subject is None:
        raise InvalidToken("This unsubscribe link is not valid: it may have been cut short.")
    with transaction.atomic():
        if not current_consent(subject=subject, purpose=ticket.purpose):
            return Unsubscribed(ticket, recorded=False)
        withdraw_consent(
            subject=subject,
            purpose=ticket.purpose,
            source=ConsentSource.LINK,
            actor=None,
            reference="unsubscribe link",
        )
    return Unsubscribed(ticket, recorded=True)


def ticket_for(token: str) -> Ticket:
    """The list a link leaves, for the confirmation page; InvalidToken when it is not genuine."""
    ticket = read_token(token)
    if ticket is None or not Subject.objects.filter(pk=ticket.subject_id).exists():
        raise InvalidToken("This unsubscribe link is not valid: it may have been cut short.")
    return ticket
