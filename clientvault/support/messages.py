"""The mail support sends, declared with messaging (see messaging.kinds).

Service mail, sent whatever the recipient's marketing choices. The reply's text is the staff
member's message as stored: the redactor has already taken any secret out of it. Each carries
the ticket's reply address as its Reply-To (``support+<reply token>@<domain>``), so an answer
by e-mail finds its ticket; the acknowledgements, sent automatically in answer to a message,
say so (RFC 3834 ``Auto-Submitted: auto-replied``), so that autoresponders leave them alone.
"""

from __future__ import annotations

from clientvault.messaging.kinds import declare
from clientvault.messaging.models import Category

TICKET_REPLY = declare(
    "support.ticket_reply",
    category=Category.SERVICE,
    headline="[{{ number }}] A reply to your ticket",
    text_template="support/email/ticket_reply.txt",
    variables=["number", "reply", "ticket_url", "reply_to"],
    reply_to_variable="reply_to",
    description="Staff answered a support ticket.",
)
TICKET_RECEIVED = declare(
    "support.ticket_received",
    category=Category.SERVICE,
    headline="[{{ number }}] We received your message",
    text_template="support/email/ticket_received.txt",
    variables=["number", "removed", "refused", "follows", "reply_to"],
    reply_to_variable="reply_to",
    auto_submitted="auto-replied",
    description="A message sent to the support address became a ticket.",
)
REPLY_RECEIVED = declare(
    "support.reply_received",
    category=Category.SERVICE,
    headline="[{{ number }}] About your reply",
    text_template="support/email/reply_received.txt",
    variables=["number", "removed", "refused", "reply_to"],
    reply_to_variable="reply_to",
    auto_submitted="auto-replied",
    description="A reply by e-mail was added to its ticket without a secret or a file it held.",
)
# The acknowledgements, limited per sender (services.mail_tickets.ACKNOWLEDGEMENTS_PER_HOUR).
ACKNOWLEDGEMENTS = (TICKET_RECEIVED.key, REPLY_RECEIVED.key)
