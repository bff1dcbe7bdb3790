"""The back office's billing forms: find invoices, record a payment, refund, credit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from clientvault.accounts.forms_common import guard_text_fields
from clientvault.billing.forms.fields import MoneyField, text_field
from clientvault.billing.models import InvoiceStatus, format_amount

STATUS_CHOICES = [("", "Every status"), *InvoiceStatus.choices]


class InvoiceFilter(forms.Form):
    """The back office's invoice list: by status, and by invoice or account number."""

    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)
    q = text_field(
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
    note = text_field(
        "Reference",
        help_text="How it was paid and its reference, such as the bank transfer's reference. "
        "Never a card number.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_text_fields(self)


class RefundForm(forms.Form):
    amount = MoneyField(label="Amount to refund")
    reason = text_field("Reason", help_text="Kept with the refund; the customer's log shows it.")

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
    reason = text_field("Reason", help_text="Printed on the credit note.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_text_fields(self)


class AddCreditForm(forms.Form):
    amount = MoneyField(label="Credit to add")
    note = text_field("Note", help_text="Why; the customer sees it in their credit history.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_text_fields(self)
