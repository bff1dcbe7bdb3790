"""The forms of the payment method pages. Card numbers have no field here: they are typed only
in the gateway's hosted form."""

from __future__ import annotations

from typing import Any

from django import forms

from clientvault.accounts.forms_common import guard_text_fields
from clientvault.billing.models import MethodKind


class AddHostedMethodForm(forms.Form):
    """Which kind of method to add in the gateway's hosted form (the button pressed)."""

    kind = forms.ChoiceField(choices=[(MethodKind.CARD, "Card"), (MethodKind.WALLET, "Wallet")])


class SepaMandateForm(forms.Form):
    iban = forms.CharField(
        label="IBAN",
        max_length=42,
        help_text="As on your bank statement, for example DE89 3704 0044 0532 0130 00.",
        error_messages={"required": "Enter the IBAN of the account to debit."},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
    holder_name = forms.CharField(
        label="Account holder's name",
        max_length=200,
        error_messages={"required": "Enter the account holder's name."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    authorise = forms.BooleanField(
        label="I authorise these debits",
        error_messages={"required": "Tick the box to authorise the debits, or cancel."},
    )

    def __init__(self, *args: Any, operator: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["authorise"].help_text = (
            f"By ticking this box you authorise {operator} to send instructions to your bank to "
            f"debit your account for what you owe {operator}, and your bank to debit it "
            "accordingly. You are entitled to a refund from your bank under the terms of your "
            "agreement with it, claimed within 8 weeks of the date your account was debited."
        )
        guard_text_fields(self)
