"""``{% load billing_display %}``: money as people read it.

- ``{{ invoice.total|money:invoice.currency }}``: ``EUR 12.34`` (minor units and a currency);
- ``{{ entry.amount|signed_money:currency }}``: the same with a ``+`` on what is added.
"""

from __future__ import annotations

from django import template

from clientvault.billing.models import format_amount

register = template.Library()


@register.filter
def money(minor: int | None, currency: str) -> str:
    return "" if minor is None else format_amount(int(minor), str(currency))


@register.filter
def signed_money(minor: int | None, currency: str) -> str:
    if minor is None:
        return ""
    text = format_amount(int(minor), str(currency))
    return f"+{text}" if minor > 0 else text
