"""Mail that comes in: requests to stop marketing, delivery reports and abuse reports.

``receive(raw, envelope_to=...)`` takes one message (from ``clientvault mail serve``, the SMTP
or LMTP listener, or ``clientvault mail receive``, a pipe from the mail server) and returns an
:class:`Outcome`, or raises a :class:`MailRejected` naming the problem.
"""

from clientvault.messaging.inbound.outcome import Action, Dkim, Outcome
from clientvault.messaging.inbound.problems import MailRejected
from clientvault.messaging.inbound.receive import receive

__all__ = ["Action", "Dkim", "MailRejected", "Outcome", "receive"]
