"""How the traffic pages write their figures: data sizes, counts, times, shares and names."""

from __future__ import annotations

import idna
from django import template

from clientvault.traffic import charts
from clientvault.traffic.models import OTHER, UNKNOWN_ISP, Dimension

register = template.Library()
DEVICES = {"desktop": "Desktop", "mobile": "Phone", "tablet": "Tablet", "robot": "Robot"}


@register.filter
def data_size(value: int | None) -> str:
    return charts.byte_text(int(value or 0))


@register.filter
def whole(value: int | None) -> str:
    return charts.count_text(int(value or 0))


@register.filter
def within_ms(value: int | None) -> str:
    """A time-to-serve percentile: "within 200 ms", or "not logged" when none was timed."""
    return "not logged" if value is None else f"within {charts.count_text(value)} ms"


@register.filter
def ms(value: int | None) -> str:
    """Milliseconds, or "not logged" when no request was timed."""
    return "not logged" if value is None else f"{charts.count_text(value)} ms"


@register.filter
def ms_cell(value: int | None) -> str:
    """Milliseconds in a table cell, or a dash when no request was timed."""
    return "—" if value is None else f"{charts.count_text(value)} ms"


@register.filter
def share_of(part: int, whole_: int) -> str:
    """``part`` as a percentage of ``whole_``: "12.5%", "<0.1%", "0%"."""
    if not whole_ or not part:
        return "0%"
    share = 100 * part / whole_
    return "<0.1%" if share < 0.1 else f"{share:.3g}%"


@register.filter
def idn(name: str) -> str:
    """A domain as people read it: ``xn--bcher-kva.example`` is bücher.example."""
    try:
        return str(idna.decode(name)) if name else ""
    except idna.IDNAError:
        return name


@register.filter
def figure_label(value: str, dimension: str) -> str:
    """A breakdown's value as shown: "Other" for the folded rows, the ISP no one could name,
    device classes in words."""
    if value == OTHER:
        return "Other"
    if dimension == Dimension.ISP and value == UNKNOWN_ISP:
        return "No name known"
    if dimension == Dimension.DEVICE:
        return DEVICES.get(value, value.capitalize())
    return value
