"""``{% load contact_display %}``: telephone numbers and postal addresses as people read them.

- ``{{ person.phone|phone }}``: national format in the operator's country, else international;
- ``{{ change.old_value|person_value:change.field }}``: a stored value of that field, formatted
  when it is a telephone number;
- ``{{ person|postal_address }}``: the address laid out for its country, one line per line.

See ``clientvault.accounts.display``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from clientvault.accounts.display import display_address, display_phone, display_value

register = template.Library()


@register.filter
def phone(value: str | None) -> str:
    return display_phone(value)


@register.filter
def person_value(value: str | None, field: str) -> str:
    return display_value(field, value)


@register.filter
def postal_address(person: Any) -> SafeString:
    """The address's lines, each escaped, joined by ``<br>``; empty when there is none."""
    lines = display_address(person).splitlines()
    if not lines:
        return SafeString("")
    return format_html_join(SafeString("<br>"), "{}", ((line,) for line in lines))
