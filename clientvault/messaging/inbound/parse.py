"""Reading one message that came in (RFC 5322): its size, its structure, sender and recipients.

The size is checked before a byte is parsed. The parser (``email`` with ``policy.default``) is
lenient, so a message counts as malformed when it has no header at all or when its structure is
broken (no blank line after the header, a multipart without its boundaries): acting on half a
message could misread whose it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import errors, policy
from email.message import EmailMessage, Message
from email.parser import BytesParser

from clientvault.messaging.inbound.problems import Malformed, NoSender, TooBig

STRUCTURAL = (
    errors.MissingHeaderBodySeparatorDefect,
    errors.FirstHeaderLineIsContinuationDefect,
    errors.NoBoundaryInMultipartDefect,
    errors.StartBoundaryNotFoundDefect,
    errors.MultipartInvariantViolationDefect,
)
# The List-Unsubscribe mailto's subject: "unsubscribe TOKEN" (clientvault.messaging.unsubscribe).
TOKEN = re.compile(r"\bunsubscribe\s+(\S+)", re.IGNORECASE)


@dataclass(frozen=True)
class Inbound:
    """A message that came in, parsed, with the addresses it is from and to (lower case)."""

    raw: bytes
    message: EmailMessage
    sender: str
    recipients: tuple[str, ...]

    @property
    def header_id(self) -> str:
        return header_text(self.message, "Message-ID")

    @property
    def token(self) -> str:
        """The unsubscribe token in the subject line; "" when there is none."""
        found = TOKEN.search(header_text(self.message, "Subject"))
        return found.group(1) if found else ""


def read(raw: bytes, *, envelope_to: list[str] | None, max_bytes: int) -> Inbound:
    """Parse ``raw``; TooBig, Malformed or NoSender when it cannot be taken."""
    if len(raw) > max_bytes:
        raise TooBig(max_bytes)
    message = parse(raw)
    senders = addresses(message, "From")
    if not senders:
        raise NoSender("The message has no sender: its From header holds no address.")
    recipients = envelope_to or addresses(message, "To", "Cc")
    return Inbound(raw, message, senders[0], tuple(r.strip().lower() for r in recipients))


def parse(raw: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)  # policy.default makes EmailMessage objects
    if not message.keys() or broken(message):
        raise Malformed("The message is malformed: its header or its parts cannot be read.")
    return message


def broken(message: Message) -> bool:
    return any(isinstance(d, STRUCTURAL) for part in message.walk() for d in part.defects)


def header_text(message: Message, name: str) -> str:
    """A header's value as one stripped line; "" when it is missing or unreadable."""
    try:
        value = message.get(name)
    except (errors.HeaderParseError, ValueError, IndexError):
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def addresses(message: Message, *names: str) -> list[str]:
    """The mailbox addresses in the headers ``names``, in order; malformed ones left out."""
    found: list[str] = []
    for name in names:
        for header in _headers(message, name):
            found += [
                a.addr_spec for a in getattr(header, "addresses", ()) if a.username and a.domain
            ]
    return found


def _headers(message: Message, name: str) -> list[object]:
    try:
        return list(message.get_all(name) or [])
    except (errors.HeaderParseError, ValueError, IndexError):
        return []
