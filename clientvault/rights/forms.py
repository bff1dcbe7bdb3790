"""The forms of the rights pages: asking (customer, public, agent, staff), codes and reasons."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from clientvault.privacy.directory import Contact, Identity
from clientvault.privacy.profile import current_profile
from clientvault.rights.models import Channel, Kind, Scope
from clientvault.rights.services.intake import STAFF_CHANNELS, Upload
from clientvault.rights.services.requests import OBJECTABLE, Ask, correctable_fields

KIND_HELP = (
    "A copy: everything we hold about you, to download. Correct: a value you cannot change "
    "yourself. Erase: your data is erased, except what the law obliges us to keep (we tell "
    "you what and why). Stop: no more marketing or partner sharing."
)
STAFF_KIND_HELP = (
    "A copy: everything we hold about the person, to download. Correct: a value they cannot "
    "change themselves. Erase: their data is erased, except what the law obliges us to keep "
    "(we tell them what and why). Stop: no more marketing or partner sharing."
)
AGENT_ONLY = "Only for an agent, and then needed."


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's ValidationError on the form: on the field it names, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class AskForm(forms.Form):
    """What is asked: the kind and, by kind, the field and value, the purpose, a note."""

    kind = forms.ChoiceField(
        label="What would you like?", choices=Kind.choices, help_text=KIND_HELP
    )
    field = forms.ChoiceField(
        label="Data to correct",
        required=False,
        help_text="Only for a correction. An e-mail address changes on your profile, by a link "
        "we send to the new address.",
    )
    new_value = forms.CharField(
        label="Correct value", required=False, max_length=500, help_text="Only for a correction."
    )
    purpose = forms.ChoiceField(
        label="What to stop",
        required=False,
        choices=[("", "—"), *[(p.value, p.label) for p in OBJECTABLE]],
        help_text="Only for a request to stop.",
    )
    note = forms.CharField(
        label="Anything we should know", required=False, max_length=2000, widget=forms.Textarea
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["field"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *correctable_fields().items()]
        if current_profile().rights.declaration_required:
            self.fields["declaration_name"] = forms.CharField(
                label="Your name, as your signature", max_length=200
            )
            self.fields["declaration"] = forms.BooleanField(
                label="I declare that this request is mine, or that I am authorised to make it, "
                "and that what I gave is true"
            )

    def ask(self, scope: str = Scope.PERSON) -> Ask:
        data = self.cleaned_data
        return Ask(
            kind=data["kind"],
            scope=scope,
            field=data.get("field") or "",
            new_value=(data.get("new_value") or "").strip(),
            purpose=data.get("purpose") or "",
            note=(data.get("note") or "").strip(),
            declaration_name=(data.get("declaration_name") or "").strip(),
        )


class CustomerAskForm(AskForm):
    """A signed-in person's request: whose data (with the privacy permission) and the scope."""

    whole_account = forms.BooleanField(
        label="Erase the whole account (every person on it) and close it",
        required=False,
        help_text="Only the account's owner can ask this; only for an erasure.",
    )

    def __init__(self, *args: Any, identity: Identity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if identity.may("privacy") and len(identity.people) > 1:
            self.fields["person"] = forms.TypedChoiceField(
                label="Whose data",
                coerce=uuid.UUID,
                choices=[(str(s), f"{name} ({role})") for s, name, role in identity.people],
                initial=str(identity.subject_id),
                required=False,
                empty_value=None,
                help_text="Yourself, or, as you handle the account's privacy requests, another "
                "person on it.",
            )
        if not identity.is_owner:
            del self.fields["whole_account"]

    def scope(self) -> str:
        return Scope.ACCOUNT if self.cleaned_data.get("whole_account") else Scope.PERSON

    def person(self) -> uuid.UUID | None:
        value = self.cleaned_data.get("person")
        return value if isinstance(value, uuid.UUID) else None


class PublicAskForm(AskForm):
    """Someone without a login: the person's name and e-mail address, and, for an agent, the
    agent's own and the signed permission."""

    name = forms.CharField(label="The person's full name", max_length=200)
    email = forms.EmailField(
        label="The person's e-mail address",
        help_text="As we know it: we send a code to the address we hold, never to another.",
    )
    is_agent = forms.BooleanField(
        label="I am an authorised agent asking on this person's behalf", required=False
    )
    agent_name = forms.CharField(
        label="Your name (agent)", required=False, max_length=200, help_text=AGENT_ONLY
    )
    agent_email = forms.EmailField(
        label="Your e-mail address (agent)", required=False, help_text=AGENT_ONLY
    )
    permission = forms.FileField(
        label="The person's signed permission",
        required=False,
        help_text=f"{AGENT_ONLY[:-1]}: a PDF, PNG or JPEG file of at most 5 MB.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["name", "email", "kind"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("is_agent"):
            for name in ("agent_name", "agent_email", "permission"):
                if not data.get(name):
                    self.add_error(name, "Needed when an agent asks.")
        return data

    def person(self) -> Contact:
        return Contact(name=self.cleaned_data["name"], email=self.cleaned_data["email"])

    def agent(self) -> Contact | None:
        data = self.cleaned_data
        if not data.get("is_agent"):
            return None
        return Contact(name=data["agent_name"], email=data["agent_email"])

    def upload(self) -> Upload | None:
        file = self.cleaned_data.get("permission")
        if not file or not self.cleaned_data.get("is_agent"):
            return None
        return Upload(name=str(file.name), content=file.read())


class StaffAskForm(AskForm):
    """Staff enter a request made by telephone, letter or e-mail."""

    who = forms.CharField(
        label="Subject reference or account number",
        max_length=16,
        help_text="The person's reference (S-…) or the account number (CV-…) for its owner.",
    )
    channel = forms.ChoiceField(
        label="How the request reached us",
        choices=[(c, Channel(c).label) for c in STAFF_CHANNELS],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].label = "What the person asks for"
        self.fields["kind"].help_text = STAFF_KIND_HELP
        self.order_fields(["who", "channel", "kind"])


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=1000, widget=forms.Textarea)
