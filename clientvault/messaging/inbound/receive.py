"""Taking one message that came in: check it, verify its signature, act on it in one go.

The checks come first and refuse with a named problem (:mod:`.problems`): too big, malformed,
without a sender, or to a mailbox that is not ours. The DKIM signature is verified before the
transaction (its key lookup waits on DNS, never while holding a lock). Then one transaction
acts on the whole message: a delivery or abuse report, a request to stop marketing, or a
message to a mailbox an app registered (:mod:`.mailboxes`), which that app takes.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.db import transaction

from clientvault.messaging.inbound.actions import opt_out, record_bounce, record_complaint
from clientvault.messaging.inbound.mailboxes import mailbox_of
from clientvault.messaging.inbound.outcome import Action, Outcome
from clientvault.messaging.inbound.parse import Inbound, read
from clientvault.messaging.inbound.problems import UnknownRecipient
from clientvault.messaging.inbound.reports import DeliveryReport, FeedbackReport, read_report
from clientvault.messaging.inbound.routing import is_ours, opt_out_purposes
from clientvault.messaging.inbound.signatures import check_dkim

logger = logging.getLogger(__name__)


def receive(raw: bytes, *, envelope_to: list[str] | None = None) -> Outcome:
    """Act on one RFC 5322 message; ``envelope_to``: its recipients as given to the server
    (RCPT TO), else those of its To and Cc headers.

    Raises a MailRejected (TooBig, Malformed, NoSender, UnknownRecipient) naming the problem,
    having changed nothing. The outcome names no one, and is the same for a request to stop
    marketing whether or not its sender is on record.
    """
    inbound = read(raw, envelope_to=envelope_to, max_bytes=settings.CLIENTVAULT_MAIL_MAX_BYTES)
    if not any(is_ours(address) for address in inbound.recipients):
        raise UnknownRecipient()
    dkim = check_dkim(inbound)
    with transaction.atomic():
        outcome = Outcome(action=act(inbound, dkim), dkim=dkim)
    logger.info("inbound mail: %s", outcome.summary)
    return outcome


def act(inbound: Inbound, dkim: str) -> str:
    report = read_report(inbound.message)
    if isinstance(report, DeliveryReport):
        return record_bounce(report)
    if isinstance(report, FeedbackReport):
        return record_complaint(report)
    purposes = opt_out_purposes(inbound.recipients)
    if not purposes:
        mailbox = mailbox_of(inbound.recipients)
        return mailbox.take(inbound, dkim) if mailbox is not None else Action.IGNORED
    key = inbound.header_id or hashlib.sha256(inbound.raw).hexdigest()
    opt_out(sender=inbound.sender, token=inbound.token, purposes=purposes, dkim=dkim, key=key)
    return Action.OPT_OUT
