"""What the customer area's hosting forms share: a service's refusal on its field, text fields
with messages that name them, and the fields of a domain contact.

Forms check what a person typed; whether the action may happen (a taken domain name, a plan
too small for the files on it, a registrar that is down) is the service's to say, and its
refusal is shown on the field it names (:func:`add_hosting_error`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, QueryDict

from clientvault.accounts.forms_common import add_service_errors
from clientvault.accounts.validation import country_choices
from clientvault.hosting.errors import HostingError
from clientvault.hosting.services.contacts import FIELD_LABELS, REQUIRED, TEXT_LIMIT, ContactInput

# The browser's autofill names of a contact's fields, in their own section: they describe
# the contact being entered, who may be someone other than the person typing.
AUTOCOMPLETE = {
    "name": "name",
    "organisation": "organization",
    "email": "email",
    "phone": "tel",
    "address_line1": "address-line1",
    "address_line2": "address-line2",
    "city": "address-level2",
    "postal_code": "postal-code",
    "region": "address-level1",
    "country": "country",
}
CONTACT_HELP = {
    "name": "The person's name. Give it, the organisation's, or both.",
    "phone": "With the country code, such as +44 20 7946 0018.",
    "postal_code": "If the country has postal codes.",
}
CONTACT_FIELDS = tuple(AUTOCOMPLETE)


def sent(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST (even an empty one, which must be checked), None for a GET."""
    return request.POST if request.method == "POST" else None


def add_hosting_error(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal on the form: a HostingError on the field it names (or above the
    form), any other ValidationError as :func:`add_service_errors` places it."""
    if isinstance(error, HostingError):
        form.add_error(error.field if error.field in form.fields else None, error.text)
        return
    add_service_errors(form, error)


def text_field(label: str, *, max_length: int = TEXT_LIMIT, **kwargs: Any) -> forms.CharField:
    messages = {
        "required": f"{label}: this is needed.",
        "max_length": f"{label}: at most {max_length} characters.",
    }
    return forms.CharField(label=label, max_length=max_length, error_messages=messages, **kwargs)


def choice_field(label: str, *, what: str, **kwargs: Any) -> forms.ChoiceField:
    messages = {
        "required": f"{label}: choose {what}.",
        "invalid_choice": f"{label}: choose {what}.",
    }
    return forms.ChoiceField(label=label, error_messages=messages, **kwargs)


def _contact_widget(name: str) -> forms.Widget:
    attrs = {"autocomplete": f"section-contact {AUTOCOMPLETE[name]}"}
    if name == "email":
        return forms.EmailInput(attrs=attrs)
    if name == "phone":
        return forms.TextInput(attrs={**attrs, "type": "tel"})
    if name == "country":
        return forms.Select(attrs=attrs)
    return forms.TextInput(attrs=attrs)


def contact_fields() -> dict[str, forms.Field]:
    """The fields of a domain contact, named as ContactInput names them."""
    made: dict[str, forms.Field] = {}
    for name in CONTACT_FIELDS:
        label, widget, help_text = (
            FIELD_LABELS[name],
            _contact_widget(name),
            CONTACT_HELP.get(name, ""),
        )
        if name == "country":
            choices = [("", "Choose a country"), *country_choices()]
            made[name] = choice_field(label, what="a country", choices=choices, widget=widget)
        else:
            required = name in REQUIRED
            made[name] = text_field(label, required=required, widget=widget, help_text=help_text)
    return made


def contact_input(data: dict[str, Any]) -> ContactInput:
    return ContactInput(**{name: str(data.get(name) or "") for name in CONTACT_FIELDS})
