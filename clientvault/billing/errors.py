"""What billing's services refuse with: one sentence that names the problem."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class BillingError(ValidationError):
    """A refused billing action. ``field`` names the form field at fault ("" when none).

    Raised before anything is written (or inside the transaction that then rolls back), so a
    refusal never leaves half a change and money is never counted twice.
    """

    def __init__(self, message: str, *, field: str = "", code: str = "invalid") -> None:
        super().__init__(message, code=code)
        self.field = field
        self.text = message


class PaymentFailed(BillingError):
    """A charge was declined or could not be made; the message says why, in the payer's terms."""
