"""Request and response bodies of ``/api/v1/privacy/requests``."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from clientvault.rights.models import Kind, RightsRequest, Status


class RequestIn(Schema):
    kind: Kind = Field(description="access, correction, erasure or objection.")
    person: UUID | None = Field(
        None,
        description="Whose data (a subject id from `people`); yourself when left out. Another "
        "person on the account needs the privacy permission.",
    )
    whole_account: bool = Field(
        False, description="An erasure of the whole account; only its owner may ask."
    )
    field: str = Field("", max_length=120, description="A correction: the field, as listed.")
    new_value: str = Field("", max_length=500, description="A correction: the correct value.")
    purpose: str = Field("", max_length=32, description="An objection: what to stop.")
    note: str = Field("", max_length=2000)


class CodeIn(Schema):
    code: str = Field(max_length=12, description="The code e-mailed to the address on record.")


class EventOut(Schema):
    at: datetime.datetime
    step: str
    by: str


class RequestOut(Schema):
    id: UUID
    reference: str
    kind: Kind
    scope: str
    status: Status
    received_at: datetime.datetime
    due_on: datetime.date = Field(description="The deadline, extended or not.")
    verified: bool
    export_ready: bool = Field(description="Whether `…/export` gives the data (access).")
    outcome: dict[str, Any]
    history: list[EventOut]

    @staticmethod
    def of(request: RightsRequest, *, export_ready: bool) -> RequestOut:
        return RequestOut(
            id=request.pk,
            reference=request.reference,
            kind=Kind(request.kind),
            scope=request.scope,
            status=Status(request.status),
            received_at=request.received_at,
            due_on=request.deadline,
            verified=request.verified_at is not None,
            export_ready=export_ready,
            outcome=request.outcome,
            history=[
                EventOut(at=e.at, step=e.step, by=e.actor_label) for e in request.events.all()
            ],
        )
