"""Reading a message sent to the support address: its title, its text and its files.

The text is the message's ``text/plain`` body, or its HTML body turned into plain text (tags
dropped, paragraphs and line breaks kept, entities decoded). The history a mail program quotes
below a reply ("On ... wrote:" and the quoted lines, Outlook's "Original Message" block) is cut
off, unless nothing would be left. The title is the subject line without "Re:"/"Fwd:" prefixes
and ticket tags. Each attachment becomes an :class:`Upload` for the ticket's own checks; a name
holding a secret has it removed like any text. A message without any text is refused: there is
nothing to open a ticket with.
"""

from __future__ import annotations

import html
import mimetypes
import re
from dataclasses import dataclass
from email.message import EmailMessage, Message

from clientvault.messaging.inbound import MailRejected
from clientvault.messaging.inbound.parse import Inbound, header_text
from clientvault.privacy.redaction import redact
from clientvault.support.services.attachments import Upload

NO_SUBJECT = "Message by e-mail without a subject"
_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|aw|wg|sv|tr)\s*:\s*|\[T-\d{6}\]\s*)+", re.IGNORECASE)
_ATTRIBUTION = re.compile(r"^\s*(?:On\b.{0,300}\bwrote:|-{2,}\s*Original Message\s*-{2,})\s*$")
_OUTLOOK_RULE = re.compile(r"^_{10,}\s*$")
_HIDDEN_HTML = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_HTML_BREAK = re.compile(r"<\s*(?:br|/p|/div|/li|/tr|/h\d|/blockquote)\b[^>]*>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^>]*>")


class EmptyMessage(MailRejected):
    enhanced = "5.6.0"

    def __init__(self) -> None:
        super().__init__(
            "The message has no text: write your question in the message itself and send it again."
        )


@dataclass(frozen=True)
class Letter:
    """A message to support as a ticket takes it."""

    title: str
    body: str
    files: tuple[Upload, ...]


def read_letter(inbound: Inbound) -> Letter:
    """The title, text and files of ``inbound``; EmptyMessage when it has no text."""
    body = trim_quoted(body_text(inbound.message))
    if not body:
        raise EmptyMessage()
    return Letter(title_of(inbound), body, tuple(uploads(inbound.message)))


def title_of(inbound: Inbound) -> str:
    subject = _PREFIX.sub("", header_text(inbound.message, "Subject")).strip()
    return subject or NO_SUBJECT


def body_text(message: EmailMessage) -> str:
    """The message's text: its plain-text body, else its HTML body as text; "" for none."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = _content(part)
    return html_to_text(text) if part.get_content_type() == "text/html" else text.strip()


def _content(part: Message) -> str:
    """A text part's content, decoded; an unknown charset is read as UTF-8, replacing errors."""
    try:
        return str(part.get_content())  # type: ignore[attr-defined]
    except (LookupError, ValueError, AttributeError):
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""


def html_to_text(source: str) -> str:
    text = _HTML_BREAK.sub("\n", _HIDDEN_HTML.sub("", source))
    lines = (" ".join(line.split()) for line in html.unescape(_HTML_TAG.sub("", text)).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def trim_quoted(text: str) -> str:
    """``text`` without the quoted history below it; the whole text when only quotes remain."""
    lines = text.splitlines()
    cut = next((n for n, line in enumerate(lines) if _starts_history(lines, n)), len(lines))
    kept = lines[:cut]
    while kept and (kept[-1].startswith(">") or not kept[-1].strip()):
        kept.pop()
    trimmed = "\n".join(kept).strip()
    return trimmed or text.strip()


def _starts_history(lines: list[str], n: int) -> bool:
    """Whether line ``n`` starts the quoted history (an attribution may wrap onto two lines)."""
    line, following = lines[n], lines[n + 1] if n + 1 < len(lines) else ""
    if any(_is_attribution(text) for text in (line, f"{line} {following}")):
        return True
    return bool(_OUTLOOK_RULE.match(line)) and following.strip().lower().startswith("from:")


def _is_attribution(text: str) -> bool:
    """ "On <date>, <name> <address> wrote:" (with a date or an address, unlike prose)."""
    return bool(_ATTRIBUTION.match(text)) and bool(re.search(r"[\d@]|Original Message", text))


def uploads(message: EmailMessage) -> list[Upload]:
    """The message's attachments as uploads, their names free of secrets."""
    found = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else part.as_bytes()
        name = redact(part.get_filename() or _unnamed(part.get_content_type())).text
        found.append(Upload(name=name, content=content))
    return found


def _unnamed(content_type: str) -> str:
    """A name for a file sent without one, from its declared type (its content is checked)."""
    return "attachment" + (mimetypes.guess_extension(content_type) or "")
