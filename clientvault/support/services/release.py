"""Releasing a ticket's content outside (SHR-6): only through the kernel's disclosure register.

The register checks the ground is one of the four the profile lists for communications (to
provide the service, legitimate interest, legal process, inadvertently found crime, the last only
to an authority), records the release for the ticket owner's subject (who sees it under "who
received my data" unless a court order defers it), and audits it. Only then are the texts read,
through ``reveal`` for the legal-obligation purpose, into a plain-text copy for the recipient;
a refused release reads nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from clientvault.privacy.actors import Actor, actor_roles
from clientvault.privacy.models import Disclosure
from clientvault.privacy.profile import current_profile
from clientvault.privacy.reveal import reveal
from clientvault.privacy.services.disclosures import COMMUNICATIONS, disclose
from clientvault.privacy.taxonomy import Purpose
from clientvault.support.errors import refuse
from clientvault.support.models import Ticket


@dataclass(frozen=True)
class Release:
    disclosure: Disclosure
    text: str  # the ticket as released: its title and messages, staff notes left out


def release_ticket(
    *,
    ticket: Ticket,
    recipient_kind: str,
    recipient: str,
    ground: str,
    reference: str,
    actor: Actor,
    notice_deferred_until: datetime.date | None = None,
) -> Release:
    """Record the release in the register (DisclosureRefused when not allowed), then copy."""
    if Purpose.LEGAL_OBLIGATION not in current_profile().purposes_for(actor_roles(actor)):
        raise PermissionDenied("Releasing a ticket outside needs the legal-obligation purpose.")
    if not reference.strip():
        raise refuse("reference", "Give the reference of the request or order (its number).")
    disclosure = disclose(
        subject=ticket.subject,
        recipient_kind=recipient_kind,
        recipient=recipient.strip(),
        categories=[COMMUNICATIONS],
        ground=ground,
        reference=reference.strip(),
        actor=actor,
        notice_deferred_until=notice_deferred_until,
    )
    return Release(disclosure, _copy(ticket, actor))


def _copy(ticket: Ticket, actor: Actor) -> str:
    purpose = Purpose.LEGAL_OBLIGATION
    lines = [f"Ticket {ticket.number}: {reveal(ticket, 'title', purpose, actor)}", ""]
    for message in ticket.messages.filter(internal=False).order_by("created_at"):
        lines += [
            f"--- {message.get_author_kind_display()}, {message.created_at:%Y-%m-%d %H:%M %Z}",
            reveal(message, "body", purpose, actor),
            "",
        ]
    return "\n".join(lines)
