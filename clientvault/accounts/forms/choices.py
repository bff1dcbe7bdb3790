"""The choices page's form: one tick box per choice the policy profile offers."""

from __future__ import annotations

from typing import Any

from django import forms

from clientvault.accounts.services.choices import Choice
from clientvault.privacy.profile import current_profile
from clientvault.privacy.taxonomy import Purpose, category_label


def _help(purpose: str) -> str:
    profile = current_profile()
    if purpose == Purpose.MARKETING:
        return (
            f"Product information and offers from {profile.operator_name}. Untick to receive none."
        )
    if purpose == Purpose.RESELLER_NEWSLETTER:
        return (
            f"Newsletters, promotions and other mailings for resellers from "
            f"{profile.operator_name} and its partners. Untick to receive none."
        )
    received = ", ".join(category_label(c).lower() for c in profile.partner_categories)
    return f"Partners receive your {received} for their programmes. Untick to share nothing."


class ChoicesForm(forms.Form):
    """A tick box per offered choice, ticked as it stands; unticked is a refusal."""

    def __init__(self, *args: Any, choices: list[Choice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for choice in choices:
            self.fields[choice.purpose] = forms.BooleanField(
                label=choice.label,
                required=False,
                initial=choice.granted,
                help_text=_help(choice.purpose),
            )

    def chosen(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data[name]) for name in self.fields}
