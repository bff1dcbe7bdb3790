"""Billing's forms: the customer's pay-now and billing details, the back office's money actions.

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
from django.db.models import QuerySet

from clientvault.accounts.forms_common import add_service_errors, guard_text_fields
from clientvault.accounts.models import Person
from clientvault.billing.errors import BillingError
from clientvault.billing.models import InvoiceStatus, PaymentMethod, format_amount

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


def _text(label: str, *, max_length: int = 200, required: bool = True, **kwargs: Any) -> Any:
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


# --- the customer area ----------------------------------------------------------------------


class MethodChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        method: PaymentMethod = obj
        expires = f", expires {method.expires}" if method.expires else ""
        default = " (default)" if method.is_default else ""
        return f"{method.label}{expires}{default}"


class PayNowForm(forms.Form):
    """Which of the account's active payment methods pays the invoice (the default chosen)."""

    method = MethodChoiceField(
        queryset=PaymentMethod.objects.none(),
        label="Pay with",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Pay with: choose a payment method.",
            "invalid_choice": "Pay with: that payment method is no longer on the account; "
            "choose another.",
        },
    )

    def __init__(self, *args: Any, methods: QuerySet[PaymentMethod], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: MethodChoiceField = self.fields["method"]  # type: ignore[assignment]
        field.queryset = methods
        default = next((m for m in methods if m.is_default), None) or methods.first()
        if default is not None:
            self.initial.setdefault("method", default.pk)


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        person: Person = obj
        role = "account owner" if person.is_owner else "authorised user"
        return f"{person.display_name or 'A person'} ({role})"


class BillingDetailsForm(forms.Form):
    """The billing contact (a person on the account) and the VAT number invoices carry."""

    contact = PersonChoiceField(
        queryset=Person.objects.none(),
        label="Billing contact",
        empty_label=None,
        help_text="Invoices are issued to this person's name and postal address, as they are "
        "on the day each invoice is issued.",
        error_messages={
            "required": "Billing contact: choose a person on the account.",
            "invalid_choice": "Billing contact: choose a person on the account.",
        },
    )
    vat_number = _text(
        "VAT number",
        max_length=20,
        required=False,
        help_text="For a business in the EU: with the country prefix, such as DE136695976. "
        "A valid number from another EU country than ours means the invoice carries no VAT "
        "(reverse charge).",
    )

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: PersonChoiceField = self.fields["contact"]  # type: ignore[assignment]
        field.queryset = people
        guard_text_fields(self)


# --- the back office ------------------------------------------------------------------------

STATUS_CHOICES = [("", "Every status"), *InvoiceStatus.choices]


class InvoiceFilter(forms.Form):
    """The back office's invoice list: by status, and by invoice or account number."""

    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)
    q = _text(
        "Invoice or account number",
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_text_fields(self)


class ManualPaymentForm(forms.Form):
    amount = MoneyField(label="Amount received")
    note = _text(
        "Reference",
        help_text="How it was paid and its reference, such as the bank transfer's reference. "
        "Never a card number.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_text_fields(self)


class RefundForm(forms.Form):
    amount = MoneyField(label="Amount to refund")
    reason = _text("Reason", help_text="Kept with the refund; the customer's log shows it.")

    def __init__(self, *args: Any, refundable: int, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refundable = refundable
        self.fields[
            "amount"
        ].help_text = f"At most {format_amount(refundable, currency)}, what is left of the payment."
        guard_text_fields(self)

    def clean_amount(self) -> int:
        amount: int = self.cleaned_data["amount"]
        if amount > self.refundable:
            raise ValidationError(
                "Amount to refund: at most what is left of the payment to refund.",
                code="above_refundable",
            )
        return amount


class CreditNoteForm(forms.Form):
    amount = MoneyField(label="Amount")
    reason = _text("Reason", help_text="Printed on the credit note.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_text_fields(self)


class AddCreditForm(forms.Form):
    amount = MoneyField(label="Credit to add")
    note = _text("Note", help_text="Why; the customer sees it in their credit history.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_text_fields(self)
