"""Recognising mail that a machine sent, so it is never answered (no mail loop starts).

A message is automatic when it says so (RFC 3834 ``Auto-Submitted`` other than ``no``), when it
carries the marks that autoresponders, Exchange and mailing lists use (``Precedence: bulk``,
``junk`` or ``list``; ``X-Autoreply``, ``X-Autorespond``, ``X-Auto-Response-Suppress``,
``List-Id``), when its envelope sender was empty (``Return-Path: <>``, as delivery reports have)
or when it comes from a mail system's own address (``MAILER-DAEMON``, ``postmaster``).
"""

from __future__ import annotations

from clientvault.messaging.inbound.parse import Inbound, header_text

MARKER_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "List-Id")
BULK = frozenset({"bulk", "junk", "list"})
SYSTEM_SENDERS = frozenset({"mailer-daemon", "postmaster"})


def why_automatic(inbound: Inbound) -> str:
    """The header that shows ``inbound`` was sent by a machine; "" for a person's message."""
    message = inbound.message
    auto_submitted = header_text(message, "Auto-Submitted").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return "Auto-Submitted"
    if header_text(message, "Precedence").lower() in BULK:
        return "Precedence"
    marked = next((name for name in MARKER_HEADERS if name in message), "")
    if marked:
        return marked
    if header_text(message, "Return-Path") == "<>":
        return "Return-Path"
    if inbound.sender.rpartition("@")[0].lower() in SYSTEM_SENDERS:
        return "From"
    return ""


def is_automatic(inbound: Inbound) -> bool:
    return bool(why_automatic(inbound))
