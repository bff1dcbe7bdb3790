"""The development mailbox: e-mail and text messages kept as files, never printed.

In development (``DEBUG``) nothing the site sends reaches the server log, which would then keep
addresses, reset links and identity codes. With ``EMAIL_URL`` unset (or ``mailbox://``) the
worker hands e-mail to :class:`MailboxBackend`, which writes each message as one ``.eml`` file
in ``CLIENTVAULT_MAILBOX_DIR`` (``var/mail/``, readable by its owner only); a text message with
no SMS gateway configured is kept there too (:func:`keep_text`). ``/dev/mailbox`` lists and shows
them while ``DEBUG`` is on (``clientvault.web.mailbox``); any mail client opens the files too.
Production never gets here: the settings refuse ``mailbox://`` with ``DEBUG=0``, and
``clientvault.messaging.gateway`` keeps texts only with ``DEBUG``.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage as MimeMessage
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

MAILBOX_BACKEND = "clientvault.messaging.mailbox.MailboxBackend"  # EMAIL_URL=mailbox://
KIND_HEADER = "X-Clientvault-Kind"
TEXT_KIND = "text message"
EMAIL_KIND = "e-mail"
LISTED = 200  # the newest messages the mailbox page lists
_NAME = re.compile(r"\d{8}T\d{12}-[0-9a-f]{12}")


@dataclass(frozen=True)
class MailboxEntry:
    """One kept message, as the mailbox page shows it."""

    name: str
    kind: str
    to: str
    sender: str
    subject: str
    sent_at: datetime | None
    body: str


def mailbox_dir() -> Path:
    return Path(settings.CLIENTVAULT_MAILBOX_DIR)


def keep(data: bytes) -> str:
    """Write one message (RFC 5322 bytes) to the mailbox; its name there."""
    folder = mailbox_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = f"{timezone.now():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:12]}"
    partial = folder / f".{name}.part"
    partial.write_bytes(data)
    partial.chmod(0o600)
    os.replace(partial, folder / f"{name}.eml")
    return name


def keep_text(*, to: str, text: str) -> str:
    """Keep a text message to ``to`` (E.164) that no SMS gateway would send; its name."""
    message = MimeMessage()
    message["From"] = "SMS gateway (development)"
    message["To"] = to
    message["Subject"] = "Text message"
    message["Date"] = format_datetime(timezone.now())
    message[KIND_HEADER] = TEXT_KIND
    message.set_content(text)
    return keep(message.as_bytes())


class MailboxBackend(BaseEmailBackend):
    """Django e-mail backend: each message becomes one file in the development mailbox."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            keep(message.message().as_bytes())
        return len(email_messages)


def entries() -> list[MailboxEntry]:
    """The newest kept messages first (at most ``LISTED``)."""
    folder = mailbox_dir()
    paths = sorted(folder.glob("*.eml"), reverse=True) if folder.is_dir() else []
    return [_read(path) for path in paths[:LISTED] if _NAME.fullmatch(path.stem)]


def entry(name: str) -> MailboxEntry | None:
    """The kept message called ``name``, or None."""
    path = mailbox_dir() / f"{name}.eml"
    if not _NAME.fullmatch(name) or not path.is_file():
        return None
    return _read(path)


def _read(path: Path) -> MailboxEntry:
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    part = message.get_body(preferencelist=("plain",))
    return MailboxEntry(
        name=path.stem,
        kind=str(message.get(KIND_HEADER, EMAIL_KIND)),
        to=str(message.get("To", "")),
        sender=str(message.get("From", "")),
        subject=str(message.get("Subject", "")),
        sent_at=_date(str(message.get("Date", ""))),
        body=str(part.get_content()).strip() if part is not None else "",
    )


def _date(value: str) -> datetime | None:
    """The Date header, aware (``-0000``, as Django writes it, is read as UTC)."""
    try:
        found = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)
