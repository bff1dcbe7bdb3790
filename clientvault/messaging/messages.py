"""The kinds of message messaging sends itself (declared like every app's; see kinds).

The confirmation of a request to stop marketing is a service message: it needs no consent (the
person just withdrew it) and goes even to an address that bounced marketing before.
"""

from __future__ import annotations

from clientvault.messaging.kinds import declare
from clientvault.messaging.models import Category

OPT_OUT_CONFIRMATION = declare(
    "messaging.opt_out_confirmation",
    category=Category.SERVICE,
    headline="You have unsubscribed",
    text_template="messaging/email/opt_out_confirmation.txt",
    variables=["withdrawn"],
    description="Sent in reply to an e-mail to the opt-out address from an address on record",
)
