"""The back office's hosting forms: act on a service, renew a domain, order for a customer,
change a domain's contact through a ticket.

Forms check shape (a choice from the list, a number in range, text without control characters);
whether the action may happen is the service's to say, and its refusal is put back on the field
it names (:func:`add_hosting_error`). Every error message names its field.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from clientvault.accounts.forms_common import add_service_errors, guard_text_fields
from clientvault.accounts.validation import (
    EMAIL_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    POSTAL_CODE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    country_choices,
)
from clientvault.accounts.widgets import OptionsSelect
from clientvault.billing.models import Cycle
from clientvault.hosting.errors import HostingError
from clientvault.hosting.models import DomainAction, DomainContact, HostingPlan, Service
from clientvault.hosting.services.contacts import FIELD_LABELS, REQUIRED, ContactInput
from clientvault.hosting.services.lifecycle import STAFF_SUSPENSION_REASONS
from clientvault.hosting.services.orders import OrderLine
from clientvault.hosting.services.staff import ContactHow

MAX_YEARS = 10


def add_hosting_error(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal on the form: a HostingError on the field it names (or above the
    form), any other ValidationError as ``add_service_errors`` places it."""
    if isinstance(error, HostingError):
        form.add_error(error.field if error.field in form.fields else None, error.text)
        return
    add_service_errors(form, error)


class StaffForm(forms.Form):
    """Messages that name their field; text fields refuse control characters."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_text_fields(self)
        for field in self.fields.values():
            label = str(field.label or "This field")
            named: dict[str, Any] = {
                key: f"{label}: {text}" for key, text in field.error_messages.items()
            }
            field.error_messages = named | {"required": f"{label}: this is needed."}


def problems(form: forms.BaseForm) -> list[str]:
    """Every error of an invalid form, each naming its field, as messages to show."""
    found = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = f"{field.label}: " if field is not None else ""
        found += [e if e.startswith(label) else f"{label}{e}" for e in map(str, errors)]
    return found


def _years(label: str, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=1, max_value=MAX_YEARS, initial=1, help_text=help_text
    )


# -- a service ----------------------------------------------------------------------------------


class SuspendForm(StaffForm):
    reason = forms.ChoiceField(
        label="Why",
        choices=[(str(r.value), r.label) for r in STAFF_SUSPENSION_REASONS],
        help_text="Kept with the service's history; a payment does not lift it.",
        widget=OptionsSelect,
    )


class CancelForm(StaffForm):
    when = forms.ChoiceField(
        label="When",
        choices=[
            ("end_of_term", "At the end of the paid term"),
            ("now", "Now: billing stops and the panel removes it"),
        ],
        widget=OptionsSelect,
    )


class PlanForm(StaffForm):
    plan = forms.ChoiceField(label="New plan", widget=OptionsSelect)

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plans = HostingPlan.objects.filter(product=service.plan.product, is_active=True)
        self.plans = {str(p.pk): p for p in plans.exclude(pk=service.plan_id)}
        self.fields["plan"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a plan…"),
            *[(pk, plan.name) for pk, plan in self.plans.items()],
        ]

    def chosen(self) -> HostingPlan:
        return self.plans[self.cleaned_data["plan"]]


# -- a domain -----------------------------------------------------------------------------------


class RenewForm(StaffForm):
    years = _years("Years", "An invoice for the renewal is issued; the registrar renews once paid.")


class RetryRegistrationForm(StaffForm):
    auth_code = forms.CharField(
        label="New auth code",
        max_length=64,
        required=False,
        help_text="For a transfer refused for its auth code: the new code from the current "
        "registrar. Leave empty to try again with the code held.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


# -- an order -----------------------------------------------------------------------------------

NO_DOMAIN_ACTION = ("", "None: the domain is registered elsewhere, or none is needed")


class OrderForm(StaffForm):
    """One line of an order placed for a customer: a plan (and the domain it serves), or a
    domain on its own."""

    plan = forms.ChoiceField(label="Plan", required=False, widget=OptionsSelect)
    cycle = forms.ChoiceField(
        label="Billing cycle", choices=Cycle.choices, initial=Cycle.MONTHLY, widget=OptionsSelect
    )
    domain = forms.CharField(
        label="Domain name",
        max_length=253,
        required=False,
        help_text="The domain the plan serves, or the one to register or transfer in.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    domain_action = forms.ChoiceField(
        label="Domain",
        required=False,
        choices=[NO_DOMAIN_ACTION, *DomainAction.choices],
        widget=OptionsSelect,
    )
    auth_code = forms.CharField(
        label="Auth code (EPP code)",
        max_length=64,
        required=False,
        help_text="Only for a transfer: from the current registrar. Kept sealed in the vault.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    years = _years("Years of registration")
    id_protection = forms.BooleanField(label="ID protection", required=False)

    def __init__(self, *args: Any, plans: list[HostingPlan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plans = {str(plan.pk): plan for plan in plans}
        self.fields["plan"].choices = [  # type: ignore[attr-defined]
            ("", "No plan: a domain only"),
            *[(pk, f"{plan.product.name}: {plan.name}") for pk, plan in self.plans.items()],
        ]

    def line(self) -> OrderLine:
        data = self.cleaned_data
        return OrderLine(
            plan=self.plans.get(data["plan"]),
            cycle=data["cycle"],
            domain=data["domain"],
            domain_action=data["domain_action"],
            auth_code=data["auth_code"],
            years=data["years"],
            id_protection=data["id_protection"],
        )


# -- a domain's contact, through a ticket -----------------------------------------------------


def _contact_field(name: str) -> forms.Field:
    label = FIELD_LABELS[name]
    field: forms.Field
    if name == "country":
        choices = [("", "Choose a country"), *country_choices()]
        field = forms.ChoiceField(
            label=label, choices=choices, required=False, widget=OptionsSelect
        )
    elif name == "email":
        field = forms.CharField(label=label, max_length=EMAIL_MAX_LENGTH, widget=forms.EmailInput)
    elif name == "phone":
        widget = forms.TextInput({"type": "tel"})
        field = forms.CharField(label=label, max_length=PHONE_MAX_LENGTH, widget=widget)
    elif name == "postal_code":
        field = forms.CharField(label=label, max_length=POSTAL_CODE_MAX_LENGTH)
    else:
        field = forms.CharField(label=label, max_length=TEXT_MAX_LENGTH)
    field.required = name in REQUIRED  # the service checks the rest, naming the field
    field.widget.attrs["autocomplete"] = "off"  # a customer's data: no autofill
    return field


CONTACT_FIELDS = tuple(f.name for f in fields(ContactInput))


class ContactChangeForm(StaffForm):
    """One role's contact, changed for a caller whose identity was checked, on a ticket."""

    ticket = forms.CharField(
        label="Ticket reference",
        max_length=32,
        help_text="The support ticket asking for the change, such as T-1234. It goes into the "
        "audit log; never write personal data here.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    how = forms.ChoiceField(label="Change", choices=ContactHow.choices, widget=OptionsSelect)
    contact = forms.ChoiceField(
        label="Account contact",
        required=False,
        help_text="Only to use another of the account's contacts.",
        widget=OptionsSelect,
    )
    name = _contact_field("name")
    organisation = _contact_field("organisation")
    email = _contact_field("email")
    phone = _contact_field("phone")
    address_line1 = _contact_field("address_line1")
    address_line2 = _contact_field("address_line2")
    city = _contact_field("city")
    postal_code = _contact_field("postal_code")
    region = _contact_field("region")
    country = _contact_field("country")

    def __init__(
        self, *args: Any, contacts: list[tuple[DomainContact, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.contacts = {str(contact.pk): contact for contact, _ in contacts}
        if self.data.get(self.add_prefix("how")) == ContactHow.ASSIGN:
            for name in REQUIRED:  # the chosen contact's details are used as they are
                self.fields[name].required = False
        self.fields["contact"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a contact…"),
            *[(str(contact.pk), label) for contact, label in contacts],
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("how") == ContactHow.ASSIGN and not data.get("contact"):
            self.add_error("contact", "Account contact: choose the contact to use.")
        return data

    def contact_data(self) -> ContactInput:
        return ContactInput(**{name: self.cleaned_data.get(name, "") for name in CONTACT_FIELDS})

    def chosen(self) -> DomainContact | None:
        return self.contacts.get(self.cleaned_data.get("contact") or "")
