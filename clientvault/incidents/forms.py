"""The forms of the incident pages; what staff write is about the incident, never a person."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from clientvault.incidents.models import SHORT_TEXT, Decision, Outcome, ScopeKind
from clientvault.incidents.services.incidents import Facts
from clientvault.incidents.services.scope import ScopeAsk

NOT_A_PERSON = "About the incident: never name or describe a person here."
FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def _when(label: str, *, required: bool = True, help_text: str = "") -> forms.DateTimeField:
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    return forms.DateTimeField(
        label=label, required=required, input_formats=FORMATS, widget=widget, help_text=help_text
    )


def _text(label: str, *, required: bool = False, help_text: str = NOT_A_PERSON) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
    )


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's ValidationError on the form: on the field it names, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class IncidentForm(forms.Form):
    title = forms.CharField(label="Title", max_length=120, help_text=NOT_A_PERSON)
    description = _text("What happened", required=True)
    started_at = _when("Started", help_text="When the incident began, as far as is known.")
    discovered_at = _when("Discovered", help_text="The regulator's clock runs from here.")
    systems = forms.CharField(
        label="Systems involved", required=False, max_length=500, help_text="Comma-separated."
    )
    consequences = _text("Likely consequences for the people affected")
    measures = _text("Measures taken or proposed")
    advice = _text("What people can do to protect themselves")

    def facts(self) -> Facts:
        data = self.cleaned_data
        return Facts(
            title=data["title"],
            description=data["description"],
            started_at=data["started_at"],
            discovered_at=data["discovered_at"],
            systems=tuple(s.strip() for s in data["systems"].split(",") if s.strip()),
            consequences=data["consequences"],
            measures=data["measures"],
            advice=data["advice"],
        )


class ScopeForm(forms.Form):
    kind = forms.ChoiceField(label="Scope by", choices=ScopeKind.choices, initial="login")
    login = forms.CharField(
        label="Username of the compromised login", required=False, max_length=150
    )
    token = forms.CharField(
        label="Prefix of the compromised API token",
        required=False,
        max_length=80,
        help_text="The part after cv_, as token lists show it.",
    )
    since = _when("From")
    until = _when("Until", required=False, help_text="Leave empty for now.")

    def ask(self) -> ScopeAsk:
        data = self.cleaned_data
        return ScopeAsk(
            kind=data["kind"],
            since=data["since"],
            until=data["until"],
            login=data["login"],
            token=data["token"],
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Decision", choices=Decision.choices)
    reason = _text("Why", required=True, help_text="Required: the decision must be documented.")


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label="How the call went", choices=Outcome.choices)
    note = forms.CharField(
        label="Note", required=False, max_length=500, help_text="Optional: what was agreed."
    )
