"""What every form shares: required and optional fields taken from the activity (COL-6)."""

from __future__ import annotations

from django import forms

from clientvault.accounts.activities import LABELS, Activity


def apply_activity(form: forms.BaseForm, activity: Activity) -> None:
    """Mark each field mandatory or voluntary as the activity declares; label it."""
    for name, field in form.fields.items():
        if name in activity.mandatory:
            field.required = True
        elif name in activity.voluntary:
            field.required = False
        if name in LABELS:
            field.label = LABELS[name]
