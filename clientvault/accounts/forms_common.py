"""What forms share: fields required or optional as the activity says (COL-6), text without
control characters (the API's rule too, from ``accounts.validation``), and the acceptance of the
privacy policy version in force (POL-2)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.http import QueryDict

from clientvault.accounts.activities import LABELS, OPENING_FIELDSETS, Activity
from clientvault.accounts.validation import (
    refuse_control_characters,
    refuse_control_characters_in_lines,
)
from clientvault.privacy.models import PolicyVersion


def apply_activity(form: forms.BaseForm, activity: Activity) -> None:
    """Mark each field required or not as the activity says for the form's data; label it.

    A bound form's data counts (a postal code is not required for a country that needs none,
    as the service will judge); an unbound form shows every mandatory field as required.
    """
    data = _bound_data(form)
    for name, field in form.fields.items():
        if name in activity.mandatory or name in activity.voluntary:
            field.required = activity.required(name, data)
        if name in LABELS:
            field.label = LABELS[name]


def guard_text_fields(form: forms.BaseForm) -> None:
    """Refuse control characters in every text field of the form, as the API does.

    Django refuses only the NUL character; this check replaces that one. Passwords are left as
    typed (they are never shown); a multi-line field keeps its tabs and line breaks.
    """
    for field in form.fields.values():
        if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
            continue
        lines = isinstance(field.widget, forms.Textarea)
        check = refuse_control_characters_in_lines if lines else refuse_control_characters
        kept = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
        field.validators = [*kept, check]


Fieldsets = list[tuple[str, list[forms.BoundField]]]


def opening_fieldsets(form: forms.BaseForm, *, organisation: bool) -> Fieldsets:
    """The form's fields of opening an account, grouped and ordered as every form shows them
    (``activities.OPENING_FIELDSETS``): (legend, bound fields) for the fields it has."""
    groups = [fs for fs in OPENING_FIELDSETS if organisation or not fs.organisation_only]
    return [(fs.legend, [form[n] for n in fs.fields if n in form.fields]) for fs in groups]


def _bound_data(form: forms.BaseForm) -> dict[str, Any]:
    if not form.is_bound:
        return {}
    return {name: form.data.get(form.add_prefix(name)) for name in form.fields}


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's ValidationError on the form: on the field it names, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class PolicyAcceptanceFields(forms.Form):
    """Acceptance of one privacy policy version; an older version shown in the form is refused.

    ``accept_label`` and ``changed_message`` are formatted with the version ``number``.
    """

    accept_label = "I accept version {number} of the privacy policy"
    changed_message = (
        "The privacy policy has changed while you were filling in this form: please read "
        "version {number} and accept it."
    )
    accept_policy = forms.BooleanField()
    policy_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, policy: PolicyVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.policy = policy
        self.fields["policy_version"].initial = policy.number
        self.fields["accept_policy"].label = self.accept_label.format(number=policy.number)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._check_policy_version(data.get("policy_version"))
        return data

    def _check_policy_version(self, shown: int | None) -> None:
        if shown == self.policy.number:
            return
        data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        data[self.add_prefix("policy_version")] = str(self.policy.number)
        data.pop(self.add_prefix("accept_policy"), None)
        self.data = data
        self.add_error("accept_policy", self.changed_message.format(number=self.policy.number))
