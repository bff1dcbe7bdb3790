"""The kinds of message a rights request sends (declared with messaging; see messaging.kinds).

Codes and download links are secrets: they fill the message that leaves and are withheld from
the copy the outbox keeps.
"""

from __future__ import annotations

from clientvault.messaging.kinds import Category, declare

SECURITY, SERVICE = Category.SECURITY, Category.SERVICE
_T = "rights/email/"

CODE = declare(
    "rights.code",
    category=SECURITY,
    headline="Your code to confirm a request about your data",
    text_template=_T + "code.txt",
    variables=["kind", "reference", "minutes"],
    secrets=["code", "link"],
)
RECEIVED = declare(
    "rights.received",
    category=SERVICE,
    headline="We received your request about your data",
    text_template=_T + "received.txt",
    variables=["kind", "reference", "received", "due"],
)
COMPLETED = declare(
    "rights.completed",
    category=SERVICE,
    headline="Your request about your data is complete",
    text_template=_T + "completed.txt",
    variables=["kind", "reference", "summary"],
)
EXPORT_READY = declare(
    "rights.export_ready",
    category=SERVICE,
    headline="Your copy of your data is ready",
    text_template=_T + "export_ready.txt",
    variables=["reference", "expires"],
    secrets=["link"],
)
REFUSED = declare(
    "rights.refused",
    category=SERVICE,
    headline="We cannot act on your request about your data",
    text_template=_T + "refused.txt",
    variables=["kind", "reference", "reason"],
)
EXTENDED = declare(
    "rights.extended",
    category=SERVICE,
    headline="We need more time for your request",
    text_template=_T + "extended.txt",
    variables=["kind", "reference", "extension", "due", "reason"],
)
EXPIRED = declare(
    "rights.expired",
    category=SERVICE,
    headline="Your request about your data was closed",
    text_template=_T + "expired.txt",
    variables=["kind", "reference", "days"],
)
REMINDER = declare(
    "rights.reminder",
    category=SERVICE,
    headline="Data-subject requests need attention",
    text_template=_T + "reminder.txt",
    variables=["overdue", "soon", "link"],
)
CLOSURE = declare(
    "rights.closure",
    category=SERVICE,
    headline="Your account is closed: when its data will be erased",
    text_template=_T + "closure.txt",
    variables=["account", "erase_on", "reference"],
)
