"""The kinds of message an incident sends (declared with messaging; see messaging.kinds)."""

from __future__ import annotations

from clientvault.messaging.kinds import Category, declare

_T = "incidents/email/"

BREACH_NOTICE = declare(
    "incidents.breach_notice",
    category=Category.SECURITY,
    headline="A security incident involving your data",
    text_template=_T + "breach_notice.txt",
    variables=[
        "reference",
        "what_happened",
        "categories",
        "consequences",
        "measures",
        "advice",
        "contact",
        "operator",
        "link",
    ],
    description="Art. 34 notice to a person whose data a security incident affected",
)
REGULATOR_REMINDER = declare(
    "incidents.regulator_reminder",
    category=Category.SECURITY,
    headline="An incident's deadline to notify the regulator is near",
    text_template=_T + "regulator_reminder.txt",
    variables=["reference", "todo", "deadline", "hours", "link"],
    description="To the staff handling an incident: 24 hours or less left, no decision recorded "
    "or the regulator not yet recorded as notified",
)
