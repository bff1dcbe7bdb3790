"""The back office's campaign form: a name, a list, a subject line and a text."""

from __future__ import annotations

from typing import Any

from django import forms

from clientvault.messaging.models import Audience
from clientvault.privacy.profile import current_profile


def offered_audiences() -> list[tuple[str, str]]:
    """The lists the policy profile lets the operator write to."""
    profile = current_profile()
    offered = [(Audience.CUSTOMERS.value, Audience.CUSTOMERS.label)]
    if profile.reseller_newsletters:
        offered.append((Audience.RESELLERS.value, Audience.RESELLERS.label))
    if profile.partners != "never":
        offered.append((Audience.PARTNER_OFFER.value, Audience.PARTNER_OFFER.label))
    return offered


class CampaignForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=120, help_text="For the back office only; recipients never see it."
    )
    audience = forms.ChoiceField(
        label="Send to",
        widget=forms.RadioSelect,
        help_text="Only those who agreed to the list receive it; consent is checked again as "
        "each message leaves.",
    )
    headline = forms.CharField(label="Subject line", max_length=200)
    body = forms.CharField(
        label="Text",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Plain text. You can use {{ given_name }}, {{ operator_name }}, "
        "{{ support_email }} and {{ support_phone }}. An unsubscribe link is added to every "
        "message.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offered = offered_audiences()
        self.fields["audience"].choices = offered  # type: ignore[attr-defined]
        self.fields["audience"].initial = offered[0][0]
