"""When a request is due, by the profile's jurisdiction (RGT-1).

GDPR (Art. 12(3)): one month from receipt, extendable by two further months, the requester told
why. CCPA (Cal. Civ. Code 1798.130): 45 days, extendable once by 45 more.
"""

from __future__ import annotations

import calendar
import datetime

from clientvault.privacy.profile import current_profile

SOON_DAYS = 7  # "due this week"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later; the month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def due_date(received: datetime.date, *, jurisdiction: str | None = None) -> datetime.date:
    rule = jurisdiction or current_profile().rights.jurisdiction
    if rule == "ccpa":
        return received + datetime.timedelta(days=45)
    return add_months(received, 1)


def extended_date(due: datetime.date, *, jurisdiction: str | None = None) -> datetime.date:
    rule = jurisdiction or current_profile().rights.jurisdiction
    if rule == "ccpa":
        return due + datetime.timedelta(days=45)
    return add_months(due, 2)


def extension_text(*, jurisdiction: str | None = None) -> str:
    rule = jurisdiction or current_profile().rights.jurisdiction
    return "45 more days" if rule == "ccpa" else "two more months"


def flag(deadline: datetime.date, today: datetime.date) -> str:
    """``overdue``, ``soon`` (due within a week) or ``""``."""
    if deadline < today:
        return "overdue"
    return "soon" if deadline <= today + datetime.timedelta(days=SOON_DAYS) else ""
