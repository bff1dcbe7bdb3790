"""Why a message that came in was refused, with the SMTP reply each reason calls for.

Each message names the problem and never the sender or the text, so it may be shown to the
sending server, printed by ``clientvault mail receive`` and logged alike.
"""

from __future__ import annotations


class MailRejected(ValueError):
    """The message cannot be taken as it is; sending it again unchanged will not help."""

    smtp_code = 550
    enhanced = "5.6.0"

    def reply(self) -> str:
        """The SMTP reply line: code, enhanced status code (RFC 3463) and the problem."""
        return f"{self.smtp_code} {self.enhanced} {self}"


class TooBig(MailRejected):
    smtp_code = 552
    enhanced = "5.3.4"

    def __init__(self, limit: int) -> None:
        super().__init__(f"The message is too big: the limit is {limit} bytes.")


class Malformed(MailRejected):
    enhanced = "5.6.0"


class NoSender(MailRejected):
    enhanced = "5.1.7"


class UnknownRecipient(MailRejected):
    enhanced = "5.1.1"

    def __init__(self) -> None:
        super().__init__(
            "No such mailbox here: this server takes mail only for the opt-out and bounce "
            "addresses and the site's other mailboxes (such as support)."
        )
