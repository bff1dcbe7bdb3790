"""Customer-area forms: signup, profile, e-mail change, organisation, API tokens, client log.

Which fields are mandatory comes from the activity (COL-6) through ``apply_activity``; the forms
check shape only (lengths, choices, matching passwords) and the services check the rest (per
country, uniqueness), so a service's ValidationError is put back on the form by
``forms_common.add_service_errors``. Every error message names its field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts

from clientvault.accounts.activities import (
    AUTHORISED_PROFILE,
    ORGANISATION,
    ORGANISATION_DETAILS,
    PROFILE,
    SIGNUP,
    SIGNUP_ORGANISATION,
    WORK,
    Activity,
    opening_fields,
)
from clientvault.accounts.display import PHONE_FIELDS, form_phone
from clientvault.accounts.forms.security import SecurityAnswerFields
from clientvault.accounts.forms_common import (
    Fieldsets,
    PolicyAcceptanceFields,
    apply_activity,
    guard_text_fields,
    opening_fieldsets,
)
from clientvault.accounts.models import ClientLogEvent, CustomerKind, Person
from clientvault.accounts.services.customers import PERSON_FIELDS
from clientvault.accounts.services.tokens import MAX_EXPIRY_DAYS, NAME_MAX_LENGTH
from clientvault.accounts.validation import (
    EMAIL_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    POSTAL_CODE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    country_choices,
)
from clientvault.accounts.widgets import OptionsSelect
from clientvault.privacy.models import PolicyVersion

PASSWORD_MAX_LENGTH = 256  # the password validator refuses longer ones, saying so
EXPIRY_CHOICES = [
    (7, "7 days"),
    (30, "30 days"),
    (90, "90 days"),
    (180, "180 days"),
    (365, "1 year"),
]


class AreaForm(forms.Form):
    """A form whose error messages name their field, tied to their input for screen readers;
    its text fields refuse control characters (``guard_text_fields``)."""

    activity: Activity | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_text_fields(self)

    def apply(self, activity: Activity) -> None:
        apply_activity(self, activity)
        self.activity = activity
        self.name_errors()

    def name_errors(self) -> None:
        for field in self.fields.values():
            label = str(field.label or "This field")
            messages: dict[str, Any] = {
                key: f"{label}: {text}" for key, text in field.error_messages.items()
            }
            messages["required"] = (
                f"{label} is required to {self.activity.name}."
                if self.activity is not None
                else f"{label} is required."
            )
            field.error_messages = messages


class TelInput(forms.TextInput):
    input_type = "tel"


def _text(autocomplete: str, **kw: Any) -> forms.CharField:
    widget = forms.TextInput(attrs={"autocomplete": autocomplete})
    return forms.CharField(max_length=TEXT_MAX_LENGTH, widget=widget, **kw)


def _tel(autocomplete: str) -> forms.CharField:
    widget = TelInput(attrs={"autocomplete": autocomplete})
    return forms.CharField(max_length=PHONE_MAX_LENGTH, widget=widget, help_text=PHONE_HELP)


def _country() -> forms.ChoiceField:
    choices = [("", "Choose a country"), *country_choices()]
    widget = OptionsSelect(attrs={"autocomplete": "country"})
    return forms.ChoiceField(choices=choices, widget=widget)


PHONE_HELP = "Numbers abroad start with + and the country code, e.g. +44 20 7946 0018."


class PersonFields(AreaForm):
    """A person's own data, as the Person model holds it (every field in the vault)."""

    given_name = _text("given-name")
    family_name = _text("family-name")
    email = forms.CharField(
        max_length=EMAIL_MAX_LENGTH, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = _tel("tel")
    address_line1 = _text("address-line1")
    address_line2 = _text("address-line2")
    city = _text("address-level2")
    postal_code = forms.CharField(
        max_length=POSTAL_CODE_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    region = _text("address-level1")
    country = _country()
    employer = _text("organization")
    job_title = _text("organization-title")
    department = _text("off")
    business_phone = _tel("work tel")

    def person_data(self) -> dict[str, str]:
        return {n: self.cleaned_data[n] for n in PERSON_FIELDS if n in self.cleaned_data}


class OrganisationFields(AreaForm):
    """An organisation's name, VAT number and company registration number (in the vault)."""

    organisation_name = _text("organization")
    vat_number = forms.CharField(
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="With or without the country prefix, e.g. DE136695976.",
    )
    company_number = forms.CharField(
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="As the company register gives it.",
    )

    def organisation_data(self) -> dict[str, str]:
        return {n: self.cleaned_data[n] for n in ORGANISATION if n in self.cleaned_data}


class NewLoginFields(AreaForm, PolicyAcceptanceFields):
    """A new login and the privacy policy version its holder accepts (POL-2)."""

    username = forms.CharField(
        max_length=150,
        help_text="3 to 150 letters, digits, dots, hyphens or underscores. You can sign in "
        "with it or with your e-mail address.",
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        max_length=PASSWORD_MAX_LENGTH + 1,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label="Password again",
        max_length=PASSWORD_MAX_LENGTH + 1,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, policy: PolicyVersion, **kwargs: Any) -> None:
        super().__init__(*args, policy=policy, **kwargs)
        self.fields["password"].help_text = " ".join(password_validators_help_texts())

    def apply(self, activity: Activity) -> None:
        super().apply(activity)
        self.fields["accept_policy"].required = True
        self.fields["accept_policy"].error_messages["required"] = (
            f"Accept the privacy policy (version {self.policy.number}) to {activity.name}."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password"), data.get("password_confirm")
        if first and second and first != second:
            self.add_error("password_confirm", "Password again: the two passwords differ.")
        return data

    def login_data(self) -> dict[str, str]:
        return {k: self.cleaned_data[k] for k in ("username", "password")}


class SignupForm(PersonFields, OrganisationFields, NewLoginFields, SecurityAnswerFields):
    """Opening an account online (COL-1, COL-3, COL-4), as SIGNUP or SIGNUP_ORGANISATION.

    The account's fields and their order are telephone intake's too (``opening_fields``). The
    security questions (SEC-2) are the security page's fields, voluntary here.
    """

    marketing = forms.BooleanField(
        required=False,
        label="Send me news and offers by e-mail",
        help_text="Optional. You can change your mind at any time.",
    )

    ORGANISATION_ONLY = (*ORGANISATION, *WORK)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.organisation = kind == CustomerKind.ORGANISATION
        if not self.organisation:
            for name in self.ORGANISATION_ONLY:
                del self.fields[name]
        opening = opening_fields(self.organisation)
        self.order_fields([*opening, *(n for n in self.fields if n not in opening)])
        self.fields[opening[0]].widget.attrs["autofocus"] = True
        self.apply(SIGNUP_ORGANISATION if self.organisation else SIGNUP)

    def opening_fieldsets(self) -> Fieldsets:
        return opening_fieldsets(self, organisation=self.organisation)


class ProfileForm(PersonFields):
    """The person's own data, corrected, updated or removed by them at any hour (CTL-1).

    The e-mail address is changed on its own page, after the password is typed again.
    Work fields are offered on organisation accounts (or when already filled in).
    """

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        initial = {name: _shown(name, getattr(person, name)) for name in PERSON_FIELDS}
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        del self.fields["email"]
        organisation = person.customer.kind == CustomerKind.ORGANISATION
        for name in WORK:
            if not organisation and not initial[name]:
                del self.fields[name]
        self.apply(PROFILE if person.is_owner else AUTHORISED_PROFILE)

    def changes(self) -> dict[str, str]:
        return self.person_data()


def _shown(name: str, value: object) -> str:
    """A stored value as its field shows it (a telephone number in international format)."""
    text = "" if value is None else str(value)
    return form_phone(text) if name in PHONE_FIELDS else text


class OrganisationForm(OrganisationFields):
    """The account owner keeps the organisation's name, VAT and company numbers (COL-4)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.apply(ORGANISATION_DETAILS)


class EmailForm(AreaForm):
    email = forms.CharField(
        label="New e-mail address",
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        help_text="Sign-in links, password resets and notices go to this address.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name_errors()


class ApiTokenForm(AreaForm):
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX_LENGTH,
        help_text="What the token is for, e.g. “deploy script” or “laptop”.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    expires_in_days = forms.TypedChoiceField(
        label="Valid for",
        choices=EXPIRY_CHOICES,
        coerce=int,
        initial=90,
        help_text=f"A token stops working when it expires (at most {MAX_EXPIRY_DAYS} days).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name_errors()


class ClientLogFilter(forms.Form):
    event = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("", "All events"), *ClientLogEvent.choices],
    )
