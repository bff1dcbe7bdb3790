"""The rights app's intake for support tickets (``clientvault.support.hooks``): a customer who
asks in a ticket for a copy of their data or its erasure gets a request, as one made by
telephone would, on the channel "support ticket"; staff pass it on from the ticket."""

from __future__ import annotations

import uuid

from django.urls import reverse

from clientvault.privacy.actors import Actor
from clientvault.rights.services.intake import ask_through_ticket
from clientvault.support.hooks import TakenRequest


def take_from_ticket(
    *, subject_id: uuid.UUID, kind: str, ticket: str, actor: Actor
) -> TakenRequest:
    made = ask_through_ticket(subject_id=subject_id, kind=kind, ticket=ticket, actor=actor)
    return TakenRequest(made.reference, reverse("rights:privacy_request", args=[made.pk]))
