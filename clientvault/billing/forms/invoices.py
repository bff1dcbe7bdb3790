"""The customer area's billing forms: pay an invoice now, the billing contact and VAT number."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from clientvault.accounts.forms_common import guard_text_fields
from clientvault.accounts.models import Person
from clientvault.billing.forms.fields import text_field
from clientvault.billing.models import PaymentMethod


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
    vat_number = text_field(
        "VAT number",
        max_length=20,
        required=False,
        help_text="For a business: with its country prefix, such as DE136695976. An EU business's "
        "valid number may mean the invoice carries no VAT (reverse charge).",
    )

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: PersonChoiceField = self.fields["contact"]  # type: ignore[assignment]
        field.queryset = people
        guard_text_fields(self)
