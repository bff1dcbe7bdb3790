"""Due dates by jurisdiction (RGT-1): GDPR one month (+2), CCPA 45 days (+45)."""

from __future__ import annotations

import datetime

from clientvault.rights.deadlines import add_months, due_date, extended_date, flag

D = datetime.date


def test_gdpr_gives_one_calendar_month() -> None:
    assert due_date(D(2026, 3, 14), jurisdiction="gdpr") == D(2026, 4, 14)


def test_a_month_without_the_day_ends_on_its_last_day() -> None:
    assert due_date(D(2026, 1, 31), jurisdiction="gdpr") == D(2026, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)


def test_gdpr_extension_adds_two_months() -> None:
    assert extended_date(D(2026, 11, 30), jurisdiction="gdpr") == D(2027, 1, 30)


def test_ccpa_gives_45_days_and_45_more() -> None:
    due = due_date(D(2026, 3, 1), jurisdiction="ccpa")
    assert due == D(2026, 4, 15)
    assert extended_date(due, jurisdiction="ccpa") == D(2026, 5, 30)


def test_it_flags_overdue_and_due_this_week() -> None:
    today = D(2026, 6, 10)
    assert flag(D(2026, 6, 9), today) == "overdue"
    assert flag(D(2026, 6, 10), today) == "soon"
    assert flag(D(2026, 6, 17), today) == "soon"
    assert flag(D(2026, 6, 18), today) == ""
