"""The period a traffic page or export shows: ``?from=YYYY-MM-DD&to=YYYY-MM-DD`` (UTC days).

Its fields are named ``from`` and ``to`` (as in the usage API), so they are added in
``__init__``: ``from`` cannot be a Python attribute. An error names the field it is about.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from clientvault.traffic.queries import MAX_DAYS, Days

FIRST_DAY = datetime.date(2000, 1, 1)  # no log is older; keeps date arithmetic far from year 1
LAST_DAY = datetime.date(2099, 12, 31)
DATE_HELP = "A date such as 2026-12-01."


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": f"{label}: enter a date.",
            "invalid": f"{label}: enter a date as year-month-day, such as 2026-12-01.",
        },
    )


def in_range(label: str, day: datetime.date) -> str | None:
    """Why ``day`` cannot be used, or None."""
    if not FIRST_DAY <= day <= LAST_DAY:
        return f"{label}: choose a day from {FIRST_DAY:%Y} to {LAST_DAY:%Y}."
    return None


def period_problems(
    start: datetime.date, end: datetime.date, longest: int, unit: str = "days"
) -> dict[str, str]:
    """What is wrong with a period, by field (``from`` or ``to``); {} when nothing is. A
    period is at most ``longest`` days, or calendar months when ``unit`` is "months"."""
    problems = {}
    for name, label, day in (("from", "From", start), ("to", "To", end)):
        problem = in_range(label, day)
        if problem:
            problems[name] = problem
    if problems:
        return problems
    if end < start:
        return {"to": "To: the last day cannot be before the first (From)."}
    length = (end - start).days + 1
    if unit == "months":
        length = (end.year - start.year) * 12 + end.month - start.month + 1
    if length > longest:
        return {"from": f"From: a period is at most {longest} {unit}; choose a later start."}
    return {}


class PeriodForm(forms.Form):
    def __init__(self, data: Any = None, *, initial_days: Days) -> None:
        super().__init__(data, initial={"from": initial_days.start, "to": initial_days.end})
        self.fields["from"] = _date_field("From")
        self.fields["to"] = _date_field("To")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("from"), cleaned.get("to")
        if start is not None and end is not None:
            for name, problem in period_problems(start, end, MAX_DAYS).items():
                self.add_error(name, problem)
        return cleaned

    @property
    def days(self) -> Days:
        """The chosen period (only once the form is valid)."""
        return Days(self.cleaned_data["from"], self.cleaned_data["to"])


def chosen_days(data: Any, default: Days) -> tuple[PeriodForm, Days | None]:
    """The form for a page's query, and the period to show: the default when no date was
    given, None when the dates given are wrong (the form says why)."""
    if not data.get("from") and not data.get("to"):
        return PeriodForm(initial_days=default), default
    form = PeriodForm(
        {"from": data.get("from", ""), "to": data.get("to", "")}, initial_days=default
    )
    return form, form.days if form.is_valid() else None
