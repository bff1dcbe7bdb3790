"""Request and response bodies of the accounts API (/api/v1), as they appear in the schema.

Inputs are checked as the web forms check them, with the same functions
(``accounts.validation``): every text value refuses control characters (the schema publishes
the rule as a ``pattern``), each person field has the forms' length limit, and a country is one
of the forms' ISO codes. A value that breaks a rule is a 422 naming the field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Field, Schema
from pydantic import ConfigDict, StrictBool, field_validator
from pydantic_core import PydanticCustomError

from clientvault.accounts.activities import LABELS
from clientvault.accounts.models import Permission, Person, PersonRole
from clientvault.accounts.services.choices import Choice
from clientvault.accounts.services.customers import PERSON_FIELDS
from clientvault.accounts.validation import (
    EMAIL_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    POSTAL_CODE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TEXT_PATTERN,
    country_codes,
    refuse_control_characters,
)
from clientvault.privacy.models import ConsentSource
from clientvault.privacy.taxonomy import Purpose


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


class StrictSchema(Schema):
    """An API input: unknown fields are refused, and every text value is checked for control
    characters as the forms check it."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                refuse_control_characters(value)
            except DjangoValidationError as error:
                raise PydanticCustomError("control_character", error.messages[0]) from None
        return value


def _text(limit: int) -> Any:
    """Single-line text of at most ``limit`` characters, its rule published in the schema."""
    return Field(max_length=limit, json_schema_extra={"pattern": TEXT_PATTERN})


Text = Annotated[str, _text(TEXT_MAX_LENGTH)]
Email = Annotated[str, _text(EMAIL_MAX_LENGTH)]
Phone = Annotated[str, _text(PHONE_MAX_LENGTH)]
PostalCode = Annotated[str, _text(POSTAL_CODE_MAX_LENGTH)]


def _optional(name: str) -> Any:
    return Field(None, description=LABELS[name])


CountryCode = Annotated[
    str,
    Field(json_schema_extra={"enum": ["", *country_codes()]}),
]


class ProfilePatch(StrictSchema):
    """Only the fields sent are changed; an empty string or null removes a field your profile
    does not require. The e-mail address cannot be changed here (see the 403 answer)."""

    given_name: Text | None = _optional("given_name")
    family_name: Text | None = _optional("family_name")
    email: Email | None = _optional("email")
    phone: Phone | None = _optional("phone")
    address_line1: Text | None = _optional("address_line1")
    address_line2: Text | None = _optional("address_line2")
    city: Text | None = _optional("city")
    postal_code: PostalCode | None = _optional("postal_code")
    region: Text | None = _optional("region")
    country: CountryCode | None = Field(
        None, description=f"{LABELS['country']}: an ISO 3166-1 alpha-2 code, e.g. GB."
    )
    employer: Text | None = _optional("employer")
    job_title: Text | None = _optional("job_title")
    department: Text | None = _optional("department")
    business_phone: Phone | None = _optional("business_phone")

    @field_validator("country", mode="after")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        if value and value not in country_codes():
            raise PydanticCustomError(
                "unknown_country",
                "This is not a country code we know: use an ISO 3166-1 alpha-2 code in "
                "capitals, e.g. GB or DE.",
            )
        return value


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


class InvitationIn(StrictSchema):
    email: Email = Field(description="Where the invitation goes.")
    permissions: list[Permission] = Field(
        default_factory=list, description="What the new user may do on the account."
    )


class InvitationOut(Schema):
    id: UUID
    email: str
    permissions: list[Permission]
    created_at: datetime
    expires_at: datetime


class PermissionsIn(StrictSchema):
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


# --- choices ------------------------------------------------------------------------------------


class ChoiceOut(Schema):
    """One choice as it stands."""

    granted: bool = Field(description="true: yes; false: no.")
    since: datetime | None = Field(
        description="When you made this choice; null: the operator's default, never changed."
    )
    source: ConsentSource | None = Field(
        description="Where you made it (form, api, ...); null with the default."
    )

    @staticmethod
    def of(choice: Choice) -> ChoiceOut:
        source = ConsentSource(choice.source) if choice.source else None
        return ChoiceOut(granted=choice.granted, since=choice.since, source=source)


class ChoicesOut(Schema):
    """Your choices: news and offers by e-mail, and sharing with partners where offered."""

    marketing: ChoiceOut = Field(description="News and offers by e-mail.")
    reseller_newsletter: ChoiceOut | None = Field(
        description="Newsletters for resellers; null unless your account is a reseller's and "
        "the operator sends them."
    )
    partner_sharing: ChoiceOut | None = Field(
        description="Sharing your data with partners; null when the operator never does."
    )

    @staticmethod
    def of(choices: list[Choice]) -> ChoicesOut:
        by_purpose = {choice.purpose: ChoiceOut.of(choice) for choice in choices}
        return ChoicesOut(
            marketing=by_purpose[Purpose.MARKETING],
            reseller_newsletter=by_purpose.get(Purpose.RESELLER_NEWSLETTER),
            partner_sharing=by_purpose.get(Purpose.PARTNER_SHARING),
        )


class ChoicesPatch(StrictSchema):
    """Only the choices sent change; null or absent leaves one as it is. Partner sharing may be
    sent only where the operator offers it (see ``partner_sharing`` in GET /choices)."""

    marketing: StrictBool | None = Field(None, description="News and offers by e-mail.")
    reseller_newsletter: StrictBool | None = Field(
        None, description="Newsletters for resellers, where offered to you."
    )
    partner_sharing: StrictBool | None = Field(None, description="Sharing with partners.")


class ChoicesPut(StrictSchema):
    """Every choice: marketing always, partner sharing exactly where the operator offers it."""

    marketing: StrictBool = Field(description="News and offers by e-mail.")
    reseller_newsletter: StrictBool | None = Field(
        None, description="Newsletters for resellers: required where offered, null otherwise."
    )
    partner_sharing: StrictBool | None = Field(
        None, description="Sharing with partners: required where offered, null otherwise."
    )
