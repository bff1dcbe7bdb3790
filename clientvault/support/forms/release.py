"""The form to release a ticket's content outside (SHR-6): recipient, ground, reference."""

from __future__ import annotations

from django import forms

from clientvault.privacy.models import DisclosureGround, RecipientKind

# The four grounds on which communications may leave (the register checks the profile's list).
GROUNDS = [
    (DisclosureGround.CONTRACT.value, "To provide the service the customer asked for"),
    (DisclosureGround.LEGITIMATE_INTEREST.value, "To protect our and our customers' interests"),
    (DisclosureGround.LEGAL_PROCESS.value, "A valid interception order, warrant or legal process"),
    (
        DisclosureGround.INADVERTENT_CRIME.value,
        "Inadvertently obtained and appears to concern a crime (to law enforcement only)",
    ),
]
RECIPIENTS = [
    (RecipientKind.AUTHORITY.value, RecipientKind.AUTHORITY.label),
    (RecipientKind.AFFILIATE.value, RecipientKind.AFFILIATE.label),
    (RecipientKind.THIRD_PARTY.value, RecipientKind.THIRD_PARTY.label),
]


class ReleaseForm(forms.Form):
    recipient_kind = forms.ChoiceField(
        label="Recipient",
        choices=RECIPIENTS,
        error_messages={
            "required": "Recipient: choose one.",
            "invalid_choice": "Recipient: choose one.",
        },
    )
    recipient = forms.CharField(
        label="Recipient's name",
        max_length=200,
        help_text="The authority or organisation, as the request names it.",
        error_messages={"required": "Recipient's name: who receives it?"},
    )
    ground = forms.ChoiceField(
        label="Ground",
        choices=GROUNDS,
        widget=forms.RadioSelect,
        error_messages={"required": "Ground: choose one.", "invalid_choice": "Ground: choose one."},
    )
    reference = forms.CharField(
        label="Reference",
        max_length=200,
        help_text="The order's, warrant's or request's number.",
        error_messages={"required": "Reference: give the order's or request's number."},
    )
    notice_deferred_until = forms.DateField(
        label="The court order forbids telling the customer until",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Only for a court order that forbids notice; leave empty otherwise.",
        error_messages={"invalid": "The date: write it as YYYY-MM-DD."},
    )
