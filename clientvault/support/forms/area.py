"""The customer's ticket forms: a new ticket, a reply, a rating."""

from __future__ import annotations

from typing import Any

from django import forms

from clientvault.hosting.models import Service
from clientvault.support.forms.fields import files_field, message_field
from clientvault.support.models import Department, Priority
from clientvault.support.services.texts import MAX_TITLE

# What customers may write to: the privacy team takes requests through "Your privacy".
CUSTOMER_DEPARTMENTS = [
    (Department.SUPPORT.value, "Technical support"),
    (Department.BILLING.value, "Billing"),
    (Department.ABUSE.value, "Report abuse"),
    (Department.PRIVACY.value, "Privacy"),
]
CUSTOMER_PRIORITIES = [
    (Priority.LOW.value, "Low: a question, no hurry"),
    (Priority.NORMAL.value, "Normal"),
    (Priority.HIGH.value, "High: something does not work"),
    (Priority.URGENT.value, "Urgent: a site or mail is down"),
]


class NewTicketForm(forms.Form):
    department = forms.ChoiceField(
        label="Department",
        choices=CUSTOMER_DEPARTMENTS,
        initial=Department.SUPPORT,
        error_messages={
            "required": "Department: choose one.",
            "invalid_choice": "Department: choose one from the list.",
        },
    )
    service = forms.ChoiceField(label="Service it is about", required=False)
    priority = forms.ChoiceField(
        label="Priority",
        choices=CUSTOMER_PRIORITIES,
        initial=Priority.NORMAL,
        error_messages={
            "required": "Priority: choose one.",
            "invalid_choice": "Priority: choose one from the list.",
        },
    )
    title = forms.CharField(
        label="Subject",
        max_length=MAX_TITLE,
        error_messages={
            "required": "Subject: say in a few words what it is about.",
            "max_length": f"Subject: at most {MAX_TITLE} characters.",
        },
    )
    body = message_field()
    attachments = files_field()

    def __init__(self, *args: Any, services: list[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.services = {s.reference: s for s in services}
        field: forms.ChoiceField = self.fields["service"]  # type: ignore[assignment]
        field.choices = [("", "None in particular")] + [
            (s.reference, f"{s.plan.name}{' for ' + s.domain if s.domain else ''}")
            for s in services
        ]
        field.error_messages["invalid_choice"] = "Service: choose one of your services."

    @property
    def chosen_service(self) -> Service | None:
        return self.services.get(self.cleaned_data.get("service") or "")


class ReplyForm(forms.Form):
    body = message_field("Your reply")
    attachments = files_field()


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How well did we help?",
        coerce=int,
        choices=[
            (5, "5: excellent"),
            (4, "4: good"),
            (3, "3: fair"),
            (2, "2: poor"),
            (1, "1: very poor"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Rating: choose one.", "invalid_choice": "Rating: choose one."},
    )
