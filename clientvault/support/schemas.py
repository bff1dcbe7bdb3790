"""Request and response bodies of the support API (/api/v1/support), as they appear in the schema.

Texts are read as the customer area reads them: each title, message and file name through
``reveal`` with the support purpose, as the token's user (audited), never a staff note. What a
customer sends is checked as the forms check it: unknown fields are refused, a title is one
line of plain text, a message plain text on any number of lines (the rule of each is published
as a ``pattern``), and each has the form's length. Secrets in them are not refused but removed
(the redactor), and the answer says what was removed: ``removed`` by kind and ``notice`` in
words.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Field, Schema
from pydantic import ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from clientvault.accounts.api import request_user
from clientvault.accounts.validation import (
    TEXT_PATTERN,
    refuse_control_characters,
    refuse_control_characters_in_lines,
)
from clientvault.privacy.reveal import reveal
from clientvault.privacy.taxonomy import Purpose
from clientvault.support.models import (
    Attachment,
    AuthorKind,
    Department,
    Priority,
    Ticket,
    TicketChannel,
    TicketStatus,
    Visibility,
)
from clientvault.support.queries import ShownMessage, read_messages, read_title
from clientvault.support.services.texts import MAX_MESSAGE, MAX_TITLE

# TEXT_PATTERN's forbidden characters, but for tabs and line breaks (a message has lines).
LINES_PATTERN = (
    "^[^\\u0000-\\u0008\\u000b-\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u202a-\\u202e"
    "\\u2066-\\u2069]*$"
)
REMOVED = (
    "What the redactor took out of what you sent before it was stored, by kind (card, cvc, "
    "iban, password, api_key, private_key): counts only, never the secret."
)


def _line(limit: int, description: str = "") -> Any:
    return Field(
        min_length=1,
        max_length=limit,
        description=description,
        json_schema_extra={"pattern": TEXT_PATTERN},
    )


def _lines(limit: int, description: str = "") -> Any:
    return Field(
        min_length=1,
        max_length=limit,
        description=description,
        json_schema_extra={"pattern": LINES_PATTERN},
    )


def _actor(context: Any) -> Any:
    return request_user(context["request"])


# -- inputs -----------------------------------------------------------------------------------


class SupportInput(Schema):
    """Unknown fields refused; ``body`` plain text on lines, every other text on one line."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str):
            return value
        lines = info.field_name == "body"
        check = refuse_control_characters_in_lines if lines else refuse_control_characters
        try:
            check(value)
        except DjangoValidationError as error:
            raise PydanticCustomError("control_character", error.messages[0]) from None
        return value


class TicketIn(SupportInput):
    title: Annotated[str, _line(MAX_TITLE, "What it is about, in a line.")]
    body: Annotated[str, _lines(MAX_MESSAGE, "Your message. Long logs: send them by e-mail.")]
    department: Department = Department.SUPPORT
    priority: Priority = Priority.NORMAL
    service: Annotated[str, _line(20)] | None = Field(
        None, description="The reference of the service it concerns (see /hosting/services)."
    )


class ReplyIn(SupportInput):
    body: Annotated[str, _lines(MAX_MESSAGE, "Your reply.")]


class RatingIn(SupportInput):
    rating: int = Field(ge=1, le=5, description="1 (poor) to 5 (excellent).")


# -- outputs ----------------------------------------------------------------------------------


class TicketOut(Schema):
    """A ticket of your account, as the list shows it."""

    number: str = Field(description="T- and six digits.")
    title: str
    department: Department
    priority: Priority
    status: TicketStatus
    channel: TicketChannel = Field(description="How it was opened.")
    service: str | None = Field(description="The reference of the service it concerns.")
    opened_at: datetime.datetime
    first_response_due: datetime.datetime = Field(description="When staff answer by at the latest.")
    first_responded_at: datetime.datetime | None
    updated_at: datetime.datetime
    closed_at: datetime.datetime | None
    rating: int | None = Field(description="Your rating of a closed ticket, 1 to 5.")

    @staticmethod
    def resolve_title(ticket: Ticket, context: Any) -> str:
        return read_title(ticket, actor=_actor(context))

    @staticmethod
    def resolve_service(ticket: Ticket) -> str | None:
        return ticket.service.reference if ticket.service is not None else None


class FileOut(Schema):
    id: uuid.UUID
    name: str
    content_type: str = Field(description="The type found in the file's content.")
    size: int = Field(description="Bytes.")

    @staticmethod
    def resolve_name(attachment: Attachment, context: Any) -> str:
        return reveal(attachment, "filename", Purpose.SUPPORT, _actor(context))


class MessageOut(Schema):
    id: uuid.UUID
    author: AuthorKind = Field(description="customer (someone on your account) or staff.")
    body: str = Field(description="'' for a message removed after acceptable-use review.")
    visibility: Visibility
    removed: dict[str, int] = Field(description=REMOVED)
    channel: TicketChannel
    created_at: datetime.datetime
    files: list[FileOut]

    @staticmethod
    def resolve_id(shown: ShownMessage) -> uuid.UUID:
        return shown.message.pk

    @staticmethod
    def resolve_author(shown: ShownMessage) -> str:
        return shown.message.author_kind

    @staticmethod
    def resolve_removed(shown: ShownMessage) -> dict[str, int]:
        return {str(kind): int(count) for kind, count in shown.message.removed.items()}

    @staticmethod
    def resolve_visibility(shown: ShownMessage) -> str:
        return shown.message.visibility

    @staticmethod
    def resolve_channel(shown: ShownMessage) -> str:
        return shown.message.channel

    @staticmethod
    def resolve_created_at(shown: ShownMessage) -> datetime.datetime:
        return shown.message.created_at


class TicketDetailOut(TicketOut):
    """A ticket with its messages, oldest first (staff notes are never shown)."""

    messages: list[MessageOut]

    @staticmethod
    def resolve_messages(ticket: Ticket, context: Any) -> list[ShownMessage]:
        return read_messages(ticket, actor=_actor(context), purpose=Purpose.SUPPORT, internal=False)


class PostedOut(Schema):
    """What you sent, as stored, and what was removed from it."""

    ticket: TicketDetailOut
    removed: dict[str, int] = Field(description=REMOVED)
    notice: str = Field(description="The same in words; '' when nothing was removed.")
