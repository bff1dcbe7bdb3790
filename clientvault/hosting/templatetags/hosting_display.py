"""``{% load hosting_display %}``: hosting's statuses and sizes as the area shows them.

- ``{{ service.status|status_class }}``: the status badge's colour, from the site's classes
  (green for what runs, amber for what waits, red for what ended or failed);
- ``{{ plan.disk_mb|disk }}``: ``20 GB``;
- ``{{ service.domain|idn }}``: a domain name in U-labels; ``{{ service.cycle|cycle }}``: "Yearly".
"""

from __future__ import annotations

from django import template

from clientvault.billing.models import Cycle
from clientvault.hosting.names import display_name
from clientvault.hosting.queries import disk_text

register = template.Library()

WAITING = frozenset({"pending", "registering", "suspended", "awaiting_payment", "queued"})
ENDED = frozenset({"cancelled", "terminated", "failed", "expired"})


@register.filter
def status_class(status: str) -> str:
    if status in WAITING:
        return "status-suspended"
    if status in ENDED:
        return "status-closed"
    return ""


@register.filter
def disk(megabytes: int) -> str:
    return disk_text(int(megabytes)) if megabytes else "—"


@register.filter
def idn(name: str) -> str:
    """A domain name as people read it (U-labels): ``xn--bcher-kva.example`` is bücher.example."""
    return display_name(str(name)) if name else ""


@register.filter
def cycle(value: str) -> str:
    return str(Cycle(value).label) if value in Cycle.values else str(value)
