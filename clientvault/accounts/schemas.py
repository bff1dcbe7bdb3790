"""Request and response bodies of the accounts API (/api/v1), as they appear in the schema."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict

from clientvault.accounts.activities import LABELS
from clientvault.accounts.models import Permission, Person, PersonRole
from clientvault.accounts.services.customers import PERSON_FIELDS

FIELD_MAX_LENGTH = 200
EMAIL_MAX_LENGTH = 254


class Error(Schema):
    detail: str


class FieldError(Schema):
    field: str | None = Field(
        description="The field at fault (a dotted path for nested values); null when the "
        "problem is not one field's."
    )
    message: str


class ValidationErrors(Schema):
    detail: list[FieldError] = Field(description="One entry per problem.")


class ProfileOut(Schema):
    """The signed-in person's own record."""

    id: UUID
    account: str = Field(description="The account number.")
    role: PersonRole
    permissions: list[Permission]
    given_name: str
    family_name: str
    email: str
    phone: str = Field(description="E.164 form.")
    address_line1: str
    address_line2: str
    city: str
    postal_code: str
    region: str
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    employer: str
    job_title: str
    department: str
    business_phone: str = Field(description="E.164 form.")

    @staticmethod
    def of(person: Person) -> ProfileOut:
        fields = {name: str(getattr(person, name) or "") for name in PERSON_FIELDS}
        return ProfileOut(
            id=person.pk,
            account=person.customer.number,
            role=PersonRole(person.role),
            permissions=person.permissions,
            **fields,
        )


class _StrictSchema(Schema):
    model_config = ConfigDict(extra="forbid")


def _optional(limit: int, name: str) -> Any:
    return Field(None, max_length=limit, description=LABELS[name])


class ProfilePatch(_StrictSchema):
    """Only the fields sent are changed; an empty string or null removes a field your profile
    does not require. The e-mail address cannot be changed here (see the 403 answer)."""

    given_name: str | None = _optional(FIELD_MAX_LENGTH, "given_name")
    family_name: str | None = _optional(FIELD_MAX_LENGTH, "family_name")
    email: str | None = _optional(EMAIL_MAX_LENGTH, "email")
    phone: str | None = _optional(FIELD_MAX_LENGTH, "phone")
    address_line1: str | None = _optional(FIELD_MAX_LENGTH, "address_line1")
    address_line2: str | None = _optional(FIELD_MAX_LENGTH, "address_line2")
    city: str | None = _optional(FIELD_MAX_LENGTH, "city")
    postal_code: str | None = _optional(FIELD_MAX_LENGTH, "postal_code")
    region: str | None = _optional(FIELD_MAX_LENGTH, "region")
    country: str | None = _optional(FIELD_MAX_LENGTH, "country")
    employer: str | None = _optional(FIELD_MAX_LENGTH, "employer")
    job_title: str | None = _optional(FIELD_MAX_LENGTH, "job_title")
    department: str | None = _optional(FIELD_MAX_LENGTH, "department")
    business_phone: str | None = _optional(FIELD_MAX_LENGTH, "business_phone")


class UserOut(Schema):
    """A person on the account: the owner or an authorised user."""

    id: UUID
    role: PersonRole
    permissions: list[Permission]
    display_name: str

    @staticmethod
    def of(person: Person) -> UserOut:
        return UserOut(
            id=person.pk,
            role=PersonRole(person.role),
            permissions=person.permissions,
            display_name=person.display_name,
        )


class InvitationIn(_StrictSchema):
    email: str = Field(max_length=EMAIL_MAX_LENGTH, description="Where the invitation goes.")
    permissions: list[Permission] = Field(
        default_factory=list, description="What the new user may do on the account."
    )


class InvitationOut(Schema):
    id: UUID
    email: str
    permissions: list[Permission]
    created_at: datetime
    expires_at: datetime


class PermissionsIn(_StrictSchema):
    permissions: list[Permission] = Field(
        description="The complete new set of permissions (it replaces the old one)."
    )


class SessionOut(Schema):
    """A signed-in browser session of the token's user."""

    id: UUID
    created_at: datetime
    last_seen_at: datetime
    browser: str
    ip_address: str


class SessionsEnded(Schema):
    ended: int = Field(description="How many sessions were ended.")
