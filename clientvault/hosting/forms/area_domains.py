"""The forms of a domain's page: renewal, auto-renew, ID protection, a registration's retry."""

from __future__ import annotations

from typing import Any

from django import forms

from clientvault.accounts.forms_common import guard_text_fields
from clientvault.hosting.forms.area_fields import text_field
from clientvault.hosting.services.orders import AUTH_CODE_LIMIT

YEARS = [(n, f"{n} year{'s' if n > 1 else ''}") for n in range(1, 11)]


class RenewForm(forms.Form):
    years = forms.TypedChoiceField(
        label="Renew for",
        choices=YEARS,
        coerce=int,
        initial=1,
        error_messages={
            "required": "Renew for: choose 1 to 10 years.",
            "invalid_choice": "Renew for: choose 1 to 10 years.",
        },
    )


class AutoRenewForm(forms.Form):
    auto_renew = forms.BooleanField(
        label="Renew automatically",
        required=False,
        help_text="We then invoice the renewal 30 days before the domain expires.",
    )


class IdProtectionForm(forms.Form):
    id_protection = forms.BooleanField(
        label="ID protection: the registry publishes only the country of your contacts",
        required=False,
    )

    def __init__(self, *args: Any, allowed: bool, why_not: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["id_protection"]
        if not allowed:
            field.disabled = True
            field.help_text = why_not


class RetryForm(forms.Form):
    auth_code = text_field(
        "New auth code (EPP code)",
        max_length=AUTH_CODE_LIMIT,
        required=False,
        help_text="Leave it empty to try again with the code you gave before.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_text_fields(self)
