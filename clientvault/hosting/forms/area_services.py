"""The customer's service forms: cancelling a service, and moving it to another plan."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import dateformat

from clientvault.hosting.forms.area_fields import choice_field
from clientvault.hosting.models import Service
from clientvault.hosting.queries import PlanOffer

NOW, END_OF_TERM = "now", "end_of_term"


def cancel_choices(service: Service) -> list[tuple[str, str]]:
    """What each way of cancelling does, in one sentence each (at the end of the term only
    when the service has a term that ends)."""
    now = (
        NOW,
        "Now: the service stops today and is removed from the server with everything on it "
        "(files, databases, mailboxes). No more invoices; time already paid is not refunded.",
    )
    if service.next_due_on is None:
        return [now]
    day = dateformat.format(service.next_due_on, "j F Y")
    end = (
        END_OF_TERM,
        f"At the end of the term, on {day}: the service keeps running until then and is "
        "removed that day. No more invoices.",
    )
    return [end, now]


class CancelForm(forms.Form):
    when = choice_field("When should the service end?", what="when", widget=forms.RadioSelect)
    confirm = forms.BooleanField(
        label="I understand that a cancelled service cannot be restarted",
        error_messages={"required": "Tick the box to confirm the cancellation."},
    )

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ChoiceField = self.fields["when"]  # type: ignore[assignment]
        field.choices = cancel_choices(service)
        field.initial = field.choices[0][0]


class ChangePlanForm(forms.Form):
    plan = choice_field("New plan", what="a plan", widget=forms.RadioSelect)

    def __init__(self, *args: Any, offers: list[PlanOffer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offers = {str(o.plan.pk): o for o in offers}
        field: forms.ChoiceField = self.fields["plan"]  # type: ignore[assignment]
        field.choices = [(key, f"{o.plan.name} ({o.summary})") for key, o in self.offers.items()]

    @property
    def chosen(self) -> Any:
        return self.offers[self.cleaned_data["plan"]].plan
