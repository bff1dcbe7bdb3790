"""The mail support sends, declared with messaging (see messaging.kinds).

Service mail, sent whatever the recipient's marketing choices. The reply's text is the staff
member's message as stored: the redactor has already taken any secret out of it.
"""

from __future__ import annotations

from clientvault.messaging.kinds import declare
from clientvault.messaging.models import Category

TICKET_REPLY = declare(
    "support.ticket_reply",
    category=Category.SERVICE,
    headline="[{{ number }}] A reply to your ticket",
    text_template="support/email/ticket_reply.txt",
    variables=["number", "reply", "ticket_url"],
    description="Staff answered a support ticket.",
)
TICKET_RECEIVED = declare(
    "support.ticket_received",
    category=Category.SERVICE,
    headline="[{{ number }}] We received your message",
    text_template="support/email/ticket_received.txt",
    variables=["number", "removed"],
    description="A message sent to the support address became a ticket.",
)
