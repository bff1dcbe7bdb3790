"""Support's refusals: a ValidationError naming the field, with a code for the API."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def refuse(field: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def error_codes(error: ValidationError) -> set[str | None]:
    """The codes of a refusal's messages (``closed``, ``too_long``...), whatever its shape."""
    errors = error.error_dict.values() if hasattr(error, "error_dict") else [error.error_list]
    return {e.code for listed in errors for e in listed}
