"""``{% load partner_links %}``: links to a partner's own website (SHR-8).

``{% partner_link url label %}`` renders the link with ``rel="noopener noreferrer"`` (the
partner's page learns neither which of our pages sent the visitor nor gets a handle on it) and,
inside the link so it is read with it, the notice that the site is the partner's own, with its
own privacy practices. ``{% partner_link url label whose="the payment service" %}`` names
another partner; the registrar is the default. A URL that is not http(s) is shown as text.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

DEFAULT_PARTNER = "the registrar"


def notice(whose: str) -> str:
    return f"(opens {whose}'s own site, which has its own privacy practices)"


@register.simple_tag
def partner_link(url: str, label: str, whose: str = DEFAULT_PARTNER) -> SafeString:
    if urlsplit(str(url)).scheme not in ("http", "https"):
        return format_html("{}", label)
    return format_html(
        '<a href="{}" rel="noopener noreferrer" class="partner-link">{} '
        '<span class="muted">{}</span></a>',
        url,
        label,
        notice(whose),
    )
