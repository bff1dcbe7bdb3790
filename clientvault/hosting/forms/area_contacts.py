"""The forms of a domain's contacts: who is which contact, and one contact's details.

Both ask before saving a change that makes someone's details public in the registry: the view
lists what would be published, and the form then needs its tick, given for that very list
(``publication_key``: a list that changed since asks again).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from clientvault.accounts.forms_common import guard_text_fields
from clientvault.hosting.errors import HostingError
from clientvault.hosting.forms.area_fields import (
    CONTACT_FIELDS,
    choice_field,
    contact_fields,
    contact_input,
)
from clientvault.hosting.models import ContactRole
from clientvault.hosting.queries import ContactOption
from clientvault.hosting.services.contacts import REQUIRED, ContactInput, clean_contact

NEW = "new"
ROLE_LABELS: dict[str, str] = {
    ContactRole.REGISTRANT: "Registrant",
    ContactRole.ADMIN: "Administrative contact",
    ContactRole.TECH: "Technical contact",
    ContactRole.BILLING: "Billing contact",
}
ROLE_HELP: dict[str, str] = {
    ContactRole.REGISTRANT: "Holds the domain name: the person or organisation it belongs to.",
    ContactRole.ADMIN: "Answers the registry's questions about the domain name.",
    ContactRole.TECH: "Looks after the domain's name servers and technical set-up.",
    ContactRole.BILLING: "Receives the registrar's invoices. Never published.",
}


class PublicationConfirmation(forms.Form):
    """A tick that confirms a list of what becomes public, and which list it confirms."""

    confirm_publication = forms.BooleanField(
        label="I have read what becomes public in the registry, and I want to save",
        required=False,
    )
    publication_key = forms.CharField(widget=forms.HiddenInput, required=False)
    list_changed = False  # the list shown before differs from the one shown now

    def confirms(self, key: str) -> bool:
        data = self.cleaned_data
        return bool(data.get("confirm_publication")) and data.get("publication_key") == key

    def ask_to_confirm(self, key: str) -> None:
        """Show the tick for ``key``'s list; if this list was shown already, say it is needed."""
        shown = self.cleaned_data.get("publication_key") or ""
        asked_before = shown == key
        self.list_changed = bool(shown) and not asked_before
        data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        data[self.add_prefix("publication_key")] = key
        if not asked_before:
            data.pop(self.add_prefix("confirm_publication"), None)
        self.data = data
        if asked_before:
            self.add_error(
                "confirm_publication",
                "Tick the box to save and publish these details, or change your choice.",
            )


class DomainContactsForm(PublicationConfirmation):
    """Who is each of the domain's four contacts: one of the account's contacts or people, or
    a new outside contact whose details are typed below."""

    def __init__(self, *args: Any, options: list[ContactOption], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = {o.value: o for o in options}
        choices = [*((o.value, o.label) for o in options), (NEW, "A new outside contact (below)")]
        roles = {
            role: choice_field(
                ROLE_LABELS[role], what="a contact", choices=choices, help_text=ROLE_HELP[role]
            )
            for role in ContactRole.values
        }
        self.fields = {**roles, **contact_fields(), **self.fields}
        self._new_fields_required(self.wants_new())
        guard_text_fields(self)

    def wants_new(self) -> bool:
        """Whether a role names the new contact (an unbound form shows the fields as needed)."""
        if not self.is_bound:
            return True
        return any(self.data.get(self.add_prefix(role)) == NEW for role in ContactRole.values)

    def _new_fields_required(self, required: bool) -> None:
        for name in CONTACT_FIELDS:
            self.fields[name].required = required and name in REQUIRED

    def role_fields(self) -> list[forms.BoundField]:
        return [self[role] for role in ContactRole.values]

    def contact_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in CONTACT_FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.wants_new() and not self.errors:
            try:
                data["new_contact"] = clean_contact(contact_input(data))
            except HostingError as error:
                self.add_error(error.field if error.field in self.fields else None, error.text)
        return data

    def choice(self, role: str) -> ContactOption | None:
        """The option chosen for ``role``; None for the new contact."""
        return self.options.get(self.cleaned_data[role])

    @property
    def new_contact(self) -> ContactInput | None:
        found: ContactInput | None = self.cleaned_data.get("new_contact")
        return found


class ContactForm(PublicationConfirmation):
    """One contact's details (update_contact checks them as the registrar needs them)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {**contact_fields(), **self.fields}
        guard_text_fields(self)

    def contact_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in CONTACT_FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            try:
                data["contact"] = clean_contact(contact_input(data))
            except HostingError as error:
                self.add_error(error.field if error.field in self.fields else None, error.text)
        return data
