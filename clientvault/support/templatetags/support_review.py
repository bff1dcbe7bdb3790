"""``{{ item|removal_notice }}``: what acceptable-use review did to a ticket message or forum
post (a :class:`~clientvault.support.services.review.Notice`, or None while it is shown); used
by ``support/review/_notice.html``; ``{{ code|ground_label }}``: a ground as people read it."""

from __future__ import annotations

from typing import Any

from django import template

from clientvault.privacy.profile import ACCEPTABLE_USE_GROUNDS
from clientvault.support.models import Post, TicketMessage
from clientvault.support.services.review import Notice
from clientvault.support.services.review import removal_notice as notice_of

register = template.Library()


@register.filter
def removal_notice(item: Any) -> Notice | None:
    """``item``: a TicketMessage or Post, or what wraps one as ``.message`` or ``.post`` (the
    ticket pages' ShownMessage, the forum's ShownPost)."""
    item = getattr(item, "message", None) or getattr(item, "post", None) or item
    if not isinstance(item, Post | TicketMessage):
        return None
    return notice_of(item)


@register.filter
def ground_label(code: str) -> str:
    """An acceptable-use ground's description (``spam``: "Unsolicited bulk or commercial
    messages"); an unknown code as it is."""
    label = ACCEPTABLE_USE_GROUNDS.get(code, code)
    return label[:1].upper() + label[1:]
