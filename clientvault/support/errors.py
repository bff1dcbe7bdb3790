"""Support's refusals: a ValidationError naming the field, with a code for the API."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def refuse(field: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})
