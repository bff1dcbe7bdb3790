"""What support offers the layers above it: a hook to pass a customer's data request, made in a
ticket, to whoever handles such requests.

Support knows nothing of rights requests (the rights app sits above it). When a ticket's
customer asks for a copy of their data or for its erasure, staff press a button on the ticket;
support calls :func:`take_rights_request`, and the rights app, which registered its intake with
:func:`register_request_intake` in its ``ready``, records the request through its own services
(deadline, verification, notices). The intake is
``fn(*, subject_id, kind, ticket, actor) -> TakenRequest``: ``subject_id`` is the person's
subject on the ticket's account, ``kind`` one of :class:`RightsKind`, ``ticket`` the ticket's
number (a reference for the request's history, nothing personal). It is called inside the
transaction that records the action on the ticket, so either both are kept or neither; it
raises ``ValidationError`` naming a field when it cannot take the request.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

from clientvault.privacy.actors import Actor
from clientvault.support.errors import refuse


class RightsKind(models.TextChoices):
    """What a customer may ask for in a ticket (the rights app's kinds of the same names)."""

    ACCESS = "access", "A copy of their data"
    ERASURE = "erasure", "The erasure of their data"


@dataclass(frozen=True)
class TakenRequest:
    """The request as recorded: its reference (for the ticket's staff) and its staff page."""

    reference: str
    url: str = ""


RequestIntake = Callable[..., TakenRequest]

_INTAKE: list[RequestIntake] = []


def register_request_intake(fn: RequestIntake) -> None:
    """Let ``fn`` take the data requests made in tickets (the last registered is used)."""
    if fn in _INTAKE:
        _INTAKE.remove(fn)
    _INTAKE.append(fn)


def unregister_request_intake(fn: RequestIntake) -> None:
    if fn in _INTAKE:
        _INTAKE.remove(fn)


def request_intake_registered() -> bool:
    return bool(_INTAKE)


def take_rights_request(
    *, subject_id: uuid.UUID, kind: str, ticket: str, actor: Actor
) -> TakenRequest:
    """Pass a request made in ticket ``ticket`` to the registered intake."""
    if kind not in RightsKind.values:
        raise refuse("action", "Choose a copy of the data or its erasure.", "invalid_choice")
    if not _INTAKE:
        raise refuse(
            "action",
            "Data requests cannot be recorded here: no service takes them. Forward the ticket "
            "to the privacy team.",
            "unavailable",
        )
    return _INTAKE[-1](subject_id=subject_id, kind=kind, ticket=ticket, actor=actor)
