"""The legal team's forms: a demand as received, a reason, the categories to release."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientvault.legal import tiers
from clientvault.legal.models import DemandType, Ground
from clientvault.legal.services.demands import DemandInput
from clientvault.privacy.directory import directory
from clientvault.privacy.models import Subject
from clientvault.privacy.taxonomy import category_label

CATEGORY_CHOICES = [(c, f"{category_label(c)} ({c})") for c in tiers.RELEASABLE]
DATE = forms.DateInput(attrs={"type": "date"})


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's ValidationError on the form: on the field it names, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def find_subjects(text: str) -> list[uuid.UUID]:
    """Subjects by reference (S-…) or account number (all its people), one per line."""
    found: list[uuid.UUID] = []
    for line in [w.strip().upper() for w in text.replace(",", "\n").splitlines() if w.strip()]:
        subject = Subject.objects.filter(reference=line).first()
        people = [subject.pk] if subject else directory().account_subjects(line)
        if not people:
            message = f"Subjects: no person has the reference, nor account the number, {line!r}."
            raise ValidationError({"subjects": message})
        found += people
    return list(dict.fromkeys(found))


class DemandForm(forms.Form):
    authority = forms.CharField(label="Authority", max_length=200)
    jurisdiction = forms.CharField(
        label="Jurisdiction",
        max_length=2,
        help_text="The country's ISO 3166 code, such as US or DE.",
    )
    demand_type = forms.ChoiceField(label="Type of demand", choices=DemandType.choices)
    ground = forms.ChoiceField(
        label="Ground (for another demand only)",
        choices=[
            ("", "—"),
            (Ground.HARM, Ground.HARM.label),
            (Ground.LEGAL_OBLIGATION, Ground.LEGAL_OBLIGATION.label),
        ],
        required=False,
    )
    harm_reference = forms.CharField(
        label="Harm reference",
        max_length=64,
        required=False,
        help_text="On the harm ground: the abuse ticket's number.",
    )
    # Not required here: the register refuses a demand without it, naming the rule, and audits
    # the refusal (legal/_field_required.html marks it required).
    their_reference = forms.CharField(
        label="Their reference",
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"aria-required": "true"}),
        help_text="The authority's docket, case or order number. Required.",
    )
    received_on = forms.DateField(label="Received on", widget=DATE)
    due_on = forms.DateField(label="Due on", widget=DATE)
    notice_forbidden_until = forms.DateField(
        label="Notice forbidden until",
        required=False,
        widget=DATE,
        help_text="Only when a court's order forbids telling the customer: the order's date.",
    )
    subjects = forms.CharField(
        label="People named",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: a person's reference (S-…) or an account number (all its people).",
    )
    categories = forms.MultipleChoiceField(
        label="Data asked for",
        choices=CATEGORY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate

    def demand(self) -> DemandInput:
        data = self.cleaned_data
        return DemandInput(
            authority=data["authority"],
            jurisdiction=data["jurisdiction"],
            demand_type=data["demand_type"],
            their_reference=data["their_reference"],
            received_on=data["received_on"],
            due_on=data["due_on"],
            subjects=find_subjects(data["subjects"]),
            categories=data["categories"],
            ground=data["ground"],
            harm_reference=data["harm_reference"],
            notice_forbidden_until=data["notice_forbidden_until"],
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason", max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoticeForm(forms.Form):
    """A court's order forbidding notice, extended to a new date."""

    until = forms.DateField(label="Order extended: notice forbidden until", widget=DATE)


class ReleaseForm(forms.Form):
    """One group of checkboxes per person the demand names, ticked with what it asks for."""

    def __init__(self, *args: Any, named: list[tuple[Subject, list[str]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for subject, asked in named:
            self.fields[f"s_{subject.pk.hex}"] = forms.MultipleChoiceField(
                label=f"Release about {subject.reference}",
                choices=[c for c in CATEGORY_CHOICES if c[0] in asked],
                widget=forms.CheckboxSelectMultiple,
                required=False,
                initial=asked,
            )

    def chosen(self) -> dict[uuid.UUID, list[str]]:
        return {
            uuid.UUID(name[2:]): list(values)
            for name, values in self.cleaned_data.items()
            if name.startswith("s_")
        }
