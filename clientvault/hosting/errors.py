"""What hosting's services refuse with: one sentence that names the problem."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class HostingError(ValidationError):
    """A refused hosting action. ``field`` names the form field at fault ("" when none).

    Raised before anything is written (or inside the transaction that then rolls back), so a
    refusal never leaves a half-made order, service or domain.
    """

    def __init__(self, message: str, *, field: str = "", code: str = "invalid") -> None:
        super().__init__(message, code=code)
        self.field = field
        self.text = message
