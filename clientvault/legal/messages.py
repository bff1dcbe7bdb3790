"""The kinds of message the legal register sends its own team (declared with messaging)."""

from __future__ import annotations

from clientvault.messaging.kinds import Category, declare

_T = "legal/email/"

NOTICE_LAPSING = declare(
    "legal.notice_lapsing",
    category=Category.SERVICE,
    headline="A deferred notice of a disclosure lapses soon",
    text_template=_T + "notice_lapsing.txt",
    variables=["reference", "lapses", "link"],
)
FOLLOWUP_OVERDUE = declare(
    "legal.followup_overdue",
    category=Category.SERVICE,
    headline="An emergency request's formal demand is overdue",
    text_template=_T + "followup_overdue.txt",
    variables=["reference", "due", "released", "link"],
)
