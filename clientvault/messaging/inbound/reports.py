"""Delivery status notifications (RFC 3464) and abuse feedback reports (RFC 5965).

Both are ``multipart/report`` messages: a note for people, the machine-readable fields
(``message/delivery-status`` or ``message/feedback-report``), and the original message or its
header (``message/rfc822`` or ``text/rfc822-headers``), whose Message-ID names the outbox row.
A delivery report is permanent when a recipient's ``Action`` is ``failed`` with a ``5.x.x``
status; ``delayed`` or a ``4.x.x`` status is a temporary problem, which changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.message import Message
from email.parser import HeaderParser

from clientvault.messaging.inbound.parse import header_text

STATUS = re.compile(r"\s*([245])\.\d{1,3}\.\d{1,3}")
ORIGINALS = ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers")


@dataclass(frozen=True)
class DeliveryReport:
    header_id: str  # the Message-ID of the message it reports on; "" when it names none
    permanent: bool


@dataclass(frozen=True)
class FeedbackReport:
    header_id: str
    feedback_type: str  # "abuse", "fraud", "virus", "not-spam", "other"
    recipients: tuple[str, ...]  # Original-Rcpt-To, when the provider left it in


def read_report(message: Message) -> DeliveryReport | FeedbackReport | None:
    """The report ``message`` carries; None for any other message."""
    if message.get_content_type() != "multipart/report":
        return None
    parts = list(message.get_payload()) if message.is_multipart() else []
    report_type = str(message.get_param("report-type", "") or "").lower()
    if report_type == "delivery-status":
        return _delivery(parts)
    if report_type == "feedback-report":
        return _feedback(parts)
    return None


def _delivery(parts: list[Message]) -> DeliveryReport:
    permanent = any(_failed(block) for block in fields(parts, "message/delivery-status"))
    return DeliveryReport(header_id=original_header_id(parts), permanent=permanent)


def _failed(block: Message) -> bool:
    status = STATUS.match(header_text(block, "Status"))
    action = header_text(block, "Action").lower()
    return action == "failed" and status is not None and status.group(1) == "5"


def _feedback(parts: list[Message]) -> FeedbackReport:
    blocks = fields(parts, "message/feedback-report")
    feedback_type = next((header_text(b, "Feedback-Type") for b in blocks), "").lower()
    recipients = [_rfc822(header_text(b, "Original-Rcpt-To")) for b in blocks]
    return FeedbackReport(
        header_id=original_header_id(parts),
        feedback_type=feedback_type,
        recipients=tuple(r for r in recipients if r),
    )


def _rfc822(value: str) -> str:
    """``rfc822; someone@example.com`` (or the bare address) as the address, lower case."""
    address = value.rpartition(";")[2].strip().strip("<>").lower()
    return address if "@" in address else ""


def fields(parts: list[Message], content_type: str) -> list[Message]:
    """The blocks of fields of the report's machine-readable part, each as a header."""
    found: list[Message] = []
    for part in parts:
        if part.get_content_type() != content_type:
            continue
        payload = part.get_payload()
        if isinstance(payload, list):
            found += [block for block in payload if isinstance(block, Message)]
        elif isinstance(payload, str):
            found += [_headers(block) for block in re.split(r"\r?\n\s*\r?\n", payload)]
    return found


def original_header_id(parts: list[Message]) -> str:
    """The Message-ID in the returned message or its header; "" when there is none."""
    for part in parts:
        if part.get_content_type() not in ORIGINALS:
            continue
        payload = part.get_payload()
        if isinstance(payload, list) and payload and isinstance(payload[0], Message):
            return header_text(payload[0], "Message-ID")
        if isinstance(payload, str):
            return header_text(_headers(payload), "Message-ID")
    return ""


def _headers(text: str) -> Message:
    return HeaderParser(policy=policy.default).parsestr(text.lstrip(), headersonly=True)
