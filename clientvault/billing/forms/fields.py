"""What billing's forms share: a service's refusal on its field, money typed as money, text.

Forms check what a person typed (an amount as money, a reason given); whether the action may
happen (an amount above what is refundable, an invalid VAT number, a declined card) is the
service's to say, and its refusal is shown on the field it names (:func:`add_billing_error`).
Amounts are typed in the currency's units ("12.50") and handed on in minor units (1250).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from clientvault.accounts.forms_common import add_service_errors
from clientvault.billing.errors import BillingError

MAX_AMOUNT = Decimal("1000000.00")  # past any real invoice; a typo of a few zeros is refused


def add_billing_error(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal on the form: a BillingError on the field it names (or above the
    form), any other ValidationError as :func:`add_service_errors` places it."""
    if isinstance(error, BillingError):
        form.add_error(error.field if error.field in form.fields else None, error.text)
        return
    add_service_errors(form, error)


class MoneyField(forms.DecimalField):
    """An amount typed in the currency's units, cleaned to a whole number of minor units."""

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        super().__init__(
            label=label,
            min_value=Decimal("0.01"),
            max_value=MAX_AMOUNT,
            decimal_places=2,
            max_digits=9,
            error_messages={
                "required": f"{label}: type an amount.",
                "invalid": f"{label}: type an amount such as 12.50.",
                "min_value": f"{label}: type an amount above zero.",
                "max_value": f"{label}: type an amount below {MAX_AMOUNT:,.0f}.",
                "max_decimal_places": f"{label}: type at most two decimals, such as 12.50.",
                "max_digits": f"{label}: type an amount below {MAX_AMOUNT:,.0f}.",
                "max_whole_digits": f"{label}: type an amount below {MAX_AMOUNT:,.0f}.",
            },
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            **kwargs,
        )

    def clean(self, value: Any) -> int | None:
        amount = super().clean(value)
        return None if amount is None else int(amount * 100)


def text_field(label: str, *, max_length: int = 200, required: bool = True, **kwargs: Any) -> Any:
    """A line of text with messages naming the field. (Anything shaped like a card number is
    refused before any form sees it: ``billing.middleware``.)"""
    messages = {
        "required": f"{label}: this is needed.",
        "max_length": f"{label}: at most {max_length} characters.",
    }
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages=messages,
        **kwargs,
    )
