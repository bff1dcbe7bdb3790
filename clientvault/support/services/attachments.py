"""Attachments: checked by what they contain, never by their name, and sealed in the vault.

A file's type is what its first bytes say (PNG, JPEG, GIF, PDF) or, for text, that it decodes
as UTF-8 without control characters. Anything else (an executable, an archive, a script, HTML,
SVG) is refused, whatever its name claims; so is a name whose extension contradicts the content
(``invoice.pdf`` holding a program). Text files go through the redactor like messages.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from django.utils import timezone

from clientvault.privacy.redaction import Redaction, redact
from clientvault.support.errors import refuse
from clientvault.support.models import Attachment, TicketMessage
from clientvault.support.services.texts import checked

MAX_FILES = 3
MAX_BYTES = 5 * 1024 * 1024
MAX_NAME = 120
# content type -> (magic prefixes, the extensions a name may carry)
SIGNATURES: dict[str, tuple[tuple[bytes, ...], tuple[str, ...]]] = {
    "image/png": ((b"\x89PNG\r\n\x1a\n",), (".png",)),
    "image/jpeg": ((b"\xff\xd8\xff",), (".jpg", ".jpeg")),
    "image/gif": ((b"GIF87a", b"GIF89a"), (".gif",)),
    "application/pdf": ((b"%PDF-",), (".pdf",)),
}
TEXT_EXTENSIONS = (".txt", ".log", ".conf", ".csv", ".ini", ".yaml", ".yml", ".json", "")
# Text that a browser or a shell would run: refused even when it is valid UTF-8.
ACTIVE_TEXT = re.compile(rb"\A\s*(?:#!|<\?php|<!doctype html|<html|<svg|<script|<\?xml)", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Upload:
    """A file as it came: its name and its bytes."""

    name: str
    content: bytes


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    content: bytes
    redaction: Redaction | None  # for text files: what the redactor removed


def sniff(content: bytes) -> str | None:
    """The content type the bytes show, or None for a type not accepted."""
    for content_type, (magics, _) in SIGNATURES.items():
        if content.startswith(magics):
            return content_type
    if ACTIVE_TEXT.match(content[:512]):
        return None
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if _CONTROL.search(text) else "text/plain"


def _clean_name(name: str) -> str:
    base = PurePath(name.replace("\\", "/")).name.strip()
    return base[:MAX_NAME] or "attachment"


def _extensions(content_type: str) -> tuple[str, ...]:
    return TEXT_EXTENSIONS if content_type == "text/plain" else SIGNATURES[content_type][1]


def check_file(upload: Upload) -> CheckedFile:
    name = _clean_name(redact(upload.name).text)
    if not upload.content:
        raise refuse("files", f"The file \u201c{name}\u201d is empty.", "empty")
    if len(upload.content) > MAX_BYTES:
        size = len(upload.content) / 1024 / 1024
        raise refuse(
            "files", f"The file \u201c{name}\u201d is {size:.1f} MB; at most 5 MB each.", "too_big"
        )
    content_type = sniff(upload.content)
    if content_type is None:
        raise refuse(
            "files",
            f"The file \u201c{name}\u201d is not a type we accept: send screenshots (PNG, JPEG, "
            "GIF), PDF documents or plain text.",
            "file_type",
        )
    if PurePath(name.lower()).suffix not in _extensions(content_type):
        raise refuse(
            "files",
            f"The file \u201c{name}\u201d is named as another type than it holds "
            f"({content_type}); rename it or send the original.",
            "disguised",
        )
    if content_type != "text/plain":
        return CheckedFile(name, content_type, upload.content, None)
    label = f"file \u201c{name}\u201d"
    redaction = checked(
        redact(upload.content.decode("utf-8")), field="files", limit=MAX_BYTES, label=label
    )
    return CheckedFile(name, content_type, redaction.text.encode("utf-8"), redaction)


def check_files(uploads: Sequence[Upload]) -> tuple[CheckedFile, ...]:
    if len(uploads) > MAX_FILES:
        raise refuse("files", f"Attach at most {MAX_FILES} files to one message.", "too_many")
    return tuple(check_file(upload) for upload in uploads)


def store_files(message: TicketMessage, files: Sequence[CheckedFile]) -> list[Attachment]:
    """Seal the checked files for the ticket owner's subject, in the caller's transaction."""
    stored = []
    for file in files:
        attachment = Attachment(
            message=message,
            subject_id=message.ticket.subject_id,
            filename=file.name,
            content_type=file.content_type,
            size=len(file.content),
            data=base64.b64encode(file.content).decode("ascii"),
            removed={str(k): v for k, v in file.redaction.counts().items()}
            if file.redaction
            else {},
            created_at=timezone.now(),
        )
        attachment.save()
        stored.append(attachment)
    return stored
