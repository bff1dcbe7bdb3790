"""What became of a message that came in, in words that name no one.

A request to the opt-out address gets the same outcome whether or not its sender is on record,
so the answer tells a stranger nothing about who is a customer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Action(models.TextChoices):
    OPT_OUT = "opt_out", "Request to stop marketing received"
    BOUNCE = "bounce", "Permanent delivery failure recorded"
    DELAY = "delay", "Delay or temporary failure reported: nothing changed"
    COMPLAINT = "complaint", "Complaint recorded"
    UNMATCHED = "unmatched", "Report about no message sent from here: nothing changed"
    IGNORED = "ignored", "Nothing to act on"
    # Mail to a mailbox an app registered (.mailboxes): support's tickets.
    TICKET_OPENED = "ticket_opened", "Ticket opened"
    TICKET_REPLIED = "ticket_replied", "Reply added to its ticket"
    LOOP_IGNORED = "loop_ignored", "Automatic message: not answered, so no mail loop starts"
    DUPLICATE = "duplicate", "Message already taken: nothing changed"


class Dkim(models.TextChoices):
    PASSED = "passed", "DKIM signature verified"
    FAILED = "failed", "DKIM signature did not verify"
    ABSENT = "absent", "No DKIM signature"


@dataclass(frozen=True)
class Outcome:
    action: str
    dkim: str

    @property
    def summary(self) -> str:
        """One line for a log, a terminal or an SMTP reply."""
        return f"{Action(self.action).label} (DKIM {self.dkim})."
