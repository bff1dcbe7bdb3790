"""``{% staff_nav request as items %}``: the back-office navigation for the signed-in staff
member, only the pages their roles may open (see ``clientvault.accounts.views.staff``)."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.http import HttpRequest

from clientvault.accounts.models import User
from clientvault.accounts.views.staff_pages import pages_for

register = template.Library()


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    current: bool


@register.simple_tag
def staff_nav(request: HttpRequest) -> list[NavItem]:
    user = request.user
    if not isinstance(user, User) or not user.is_staff:
        return []
    here = request.resolver_match.url_name if request.resolver_match else ""
    return [NavItem(p.url, p.label, here in {p.name, *p.covers}) for p in pages_for(user)]
