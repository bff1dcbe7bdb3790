"""Back-office forms. None of them has a field for an address to send something to: links and
codes go only to the e-mail or telephone on record (CTL-2, CTL-6)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.urls import reverse

from clientvault.accounts.activities import (
    AUTHORISED_PROFILE,
    LABELS,
    ORGANISATION,
    PHONE_INTAKE,
    PHONE_INTAKE_ORGANISATION,
    PHONE_UPDATE,
    Activity,
    opening_fields,
)
from clientvault.accounts.display import PHONE_FIELDS, form_phone
from clientvault.accounts.forms_common import (
    Fieldsets,
    PolicyAcceptanceFields,
    apply_activity,
    guard_text_fields,
    opening_fieldsets,
)
from clientvault.accounts.models import (
    CUSTOMER_TRANSITIONS,
    REPORT_TRANSITIONS,
    Channel,
    CustomerKind,
    CustomerStatus,
    Person,
    ReportStatus,
)
from clientvault.accounts.services.customers import PERSON_FIELDS
from clientvault.accounts.validation import country_choices, max_length
from clientvault.accounts.widgets import OptionsSelect
from clientvault.privacy.models import PolicyVersion

CHANNEL_CHOICES = [
    (Channel.TELEPHONE.value, "Telephone call"),
    (Channel.TICKET.value, "Support ticket"),
    (Channel.STAFF.value, "Back office, no caller"),
]
CALLER_CHANNELS = CHANNEL_CHOICES[:2]


class SearchForm(forms.Form):
    query = forms.CharField(
        label="E-mail, telephone, name, organisation or account number",
        max_length=200,
        help_text="Exact matches only: a whole e-mail address, a whole name, whole words of an "
        "organisation's name, or CV-1234567.",
        error_messages={
            "required": "Type an e-mail address, telephone number, name, organisation or account "
            "number."
        },
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class ChannelForm(forms.Form):
    """The channel a staff member works on; back-office work only with a listed reason, and
    only for a role that may give one (``reasons``, from ``back_office_reasons``)."""

    channel = forms.ChoiceField(
        label="You are working on",
        choices=CALLER_CHANNELS,
        help_text="On the telephone or a ticket, details stay hidden until the identity check.",
        error_messages={
            "invalid_choice": "Back-office work without a caller is not open to your role: "
            "choose the telephone or a support ticket, and check the caller's identity."
        },
    )
    reason = forms.ChoiceField(
        label="Reason for back-office work",
        required=False,
        help_text="Recorded with every view of the details. Only for work without a caller.",
        error_messages={"invalid_choice": "Choose one of the listed reasons."},
    )

    def __init__(self, *args: Any, reasons: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not reasons:
            del self.fields["reason"]
            return
        self.fields["channel"].choices = CHANNEL_CHOICES  # type: ignore[attr-defined]
        self.fields["reason"].choices = [("", "Choose a reason…"), *reasons]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("channel") != Channel.STAFF:
            data["reason"] = ""
        elif not data.get("reason") and "reason" not in self.errors:
            self.add_error("reason", "Back-office work needs a reason: choose one from the list.")
        return data


def _field(name: str) -> forms.Field:
    """A back-office input for one of an account's fields (the caller's data: no autofill)."""
    field: forms.Field
    if name == "country":
        field = forms.ChoiceField(
            choices=[("", "Choose…"), *country_choices()], widget=OptionsSelect
        )
    elif name == "email":
        field = forms.CharField(max_length=max_length(name), widget=forms.EmailInput)
    elif name.endswith("phone"):
        field = forms.CharField(
            max_length=max_length(name), widget=forms.TextInput({"type": "tel"})
        )
    elif name in ("vat_number", "company_number"):
        field = forms.CharField(max_length=40)
    else:
        field = forms.CharField(max_length=max_length(name))
    field.widget.attrs["autocomplete"] = "off"
    return field


def _add_fields(form: forms.Form, names: Sequence[str], activity: Activity) -> None:
    for name in names:
        form.fields[name] = _field(name)
    apply_activity(form, activity)
    guard_text_fields(form)
    for name in activity.mandatory:
        if name in form.fields:
            message = f"{LABELS[name]} is required to {activity.name}."
            form.fields[name].error_messages["required"] = message


class IntakeForm(PolicyAcceptanceFields):
    """A new customer taken by telephone (COL-2): the fields signup asks, in its order, as
    PHONE_INTAKE or PHONE_INTAKE_ORGANISATION declare them (``opening_fields``), and the
    caller's acceptance of the privacy policy version in force (POL-2)."""

    accept_label = (
        "The caller was told where to read version {number} of the privacy policy and accepts it"
    )
    changed_message = (
        "The privacy policy changed while you were taking this call: tell the caller about "
        "version {number} and ask again."
    )

    def __init__(self, *args: Any, policy: PolicyVersion, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, policy=policy, **kwargs)
        self.kind = kind
        self.organisation = kind == CustomerKind.ORGANISATION
        activity = PHONE_INTAKE_ORGANISATION if self.organisation else PHONE_INTAKE
        _add_fields(self, opening_fields(self.organisation), activity)
        self.fields["accept_policy"].error_messages["required"] = (
            f"Ask the caller to accept version {policy.number} of the privacy policy before "
            "opening the account."
        )
        self.fields["accept_policy"].help_text = (
            f"Before opening the account, tell the caller that our privacy policy (in force "
            f"since {policy.effective_date:%d %B %Y}) is at {settings.CLIENTVAULT_SITE_URL}"
            f"{reverse('privacy:policy')} and says what we keep, why, for how long and who may "
            "receive it, and ask whether they accept it."
        )
        self.order_fields([*opening_fields(self.organisation), "policy_version", "accept_policy"])

    def opening_fieldsets(self) -> Fieldsets:
        return opening_fieldsets(self, organisation=self.organisation)

    def details(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in PERSON_FIELDS}

    def organisation_data(self) -> dict[str, str]:
        return {n: self.cleaned_data.get(n) or "" for n in ORGANISATION if n in self.fields}


class PersonUpdateForm(forms.Form):
    """A caller's change to their data, taken by telephone or from a ticket."""

    channel = forms.ChoiceField(label="The customer asked by", choices=CALLER_CHANNELS)

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        activity = PHONE_UPDATE if person.is_owner else AUTHORISED_PROFILE
        _add_fields(self, [n for n in opening_fields(True) if n in PERSON_FIELDS], activity)
        self.fields[
            "email"
        ].help_text = "A new address gets a link; it changes when the caller opens it."

    def changes(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in PERSON_FIELDS}


def person_initial(person: Person) -> dict[str, str]:
    values = {name: str(getattr(person, name) or "") for name in PERSON_FIELDS}
    return {n: form_phone(v) if n in PHONE_FIELDS else v for n, v in values.items()}


class SecurityAnswerForm(forms.Form):
    question = forms.ChoiceField(label="Question asked")
    answer = forms.CharField(
        label="The caller's answer",
        max_length=200,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, questions: Iterable[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = list(questions)  # type: ignore[attr-defined]


class SendCodeForm(forms.Form):
    method = forms.CharField(widget=forms.HiddenInput)


class CodeForm(forms.Form):
    """The code the caller read back, for the check that was on screen (``check``)."""

    check = forms.IntegerField(required=False, widget=forms.HiddenInput)
    code = forms.CharField(
        label="Code the caller read out",
        max_length=6,
        min_length=6,
        validators=[RegexValidator(r"^\d{6}$", "The code is six digits.")],
        error_messages={"required": "Type the six-digit code the caller read out."},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": r"\d{6}"}
        ),
    )


class ResetPasswordForm(forms.Form):
    """Confirmation only: there is deliberately no field for an address (CTL-2)."""


class ReportForm(forms.Form):
    status = forms.ChoiceField(label="Mark the report as")

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = REPORT_TRANSITIONS[current]
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in ReportStatus.choices if value in allowed
        ]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="New status")
    reason = forms.CharField(
        label="Reason",
        max_length=200,
        help_text="Shown in the account's status history, e.g. “unpaid invoice 2024-117”.",
        error_messages={"required": "Give a reason for the change."},
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_text_fields(self)
        allowed = CUSTOMER_TRANSITIONS[current]
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in CustomerStatus.choices if value in allowed
        ]
