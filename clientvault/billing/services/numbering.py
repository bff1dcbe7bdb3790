"""Gap-free number series for invoices and credit notes.

A number is taken only in the transaction that issues the document, under a row lock on its
series (``select_for_update``): concurrent issuers queue on that row, each takes the next
number, and a transaction that rolls back takes its number back with it, so the series has no
gaps and no duplicates (the unique constraint on (series, number) backs this).

A series keeps the prefix it started with; the profile's prefix names the series in use
(``[billing] invoice_prefix`` / ``credit_note_prefix``), so a new prefix starts a new series
at 1 and an issued number never changes.
"""

from __future__ import annotations

from django.utils.text import slugify

from clientvault.billing.models import InvoiceSeries
from clientvault.privacy.profile import current_profile

INVOICES, CREDIT_NOTES = "i", "c"


def series_for(kind: str) -> InvoiceSeries:
    """The series the profile names for invoices (``INVOICES``) or credit notes, made once."""
    rules = current_profile().billing
    prefix = rules.invoice_prefix if kind == INVOICES else rules.credit_note_prefix
    code = f"{kind}-{slugify(prefix) or 'none'}"[:16]
    series, _ = InvoiceSeries.objects.get_or_create(code=code, defaults={"prefix": prefix})
    return series


def take_numbers(kind: str, count: int = 1) -> tuple[InvoiceSeries, int]:
    """Lock the series and take ``count`` numbers; returns the series and the first number.

    Call inside the transaction that uses the numbers: the lock is held until it ends.
    """
    series = InvoiceSeries.objects.select_for_update().get(pk=series_for(kind).pk)
    first = series.next_number
    series.next_number = first + count
    series.save(update_fields=["next_number"])
    return series, first
