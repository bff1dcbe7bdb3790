"""Money is a whole number of minor units (cents) and an ISO 4217 currency, never a float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import models

CURRENCIES = ("EUR", "USD", "GBP")


class Currency(models.TextChoices):
    EUR = "EUR", "Euro"
    USD = "USD", "US dollar"
    GBP = "GBP", "Pound sterling"


def format_amount(minor: int, currency: str) -> str:
    """``1234, "EUR"`` -> ``"EUR 12.34"`` (every currency here has two decimals)."""
    sign = "-" if minor < 0 else ""
    whole, cents = divmod(abs(minor), 100)
    return f"{sign}{currency} {whole:,}.{cents:02d}"


def percent_of(minor: int, rate: Decimal) -> int:
    """``rate`` percent of ``minor``, rounded half up to a whole minor unit."""
    return int((Decimal(minor) * rate / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
