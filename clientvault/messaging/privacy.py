"""Declarations of the outbox and the suppressed addresses.

A message's address, subject line, body and template values are sealed for the recipient's
subject and go when it is erased (shredding its key). The subject line and body are
communications content (COL-9): restricted, read through ``reveal`` and disclosed only on the
grounds the register allows. The template values (which may hold a reset link or a code) are
cleared as soon as the message is sent, skipped or given up. Rows are kept for the profile's
``messages`` period.
"""

from __future__ import annotations

from clientvault.privacy import inventory as inv

SENDING = ["notices", "security", "marketing", "reseller_newsletter", "partner_sharing"]

inv.declare(
    "messaging.Message",
    subject="subject",
    retention=inv.RowRetention(period="messages", age_field="queued_at"),
    description="The outbox: each e-mail and text message sent, its state and, sealed, its "
    "address and content",
    fields={
        "id": inv.not_personal("row id"),
        "subject": inv.not_personal("link to the subject"),
        "channel": inv.not_personal("e-mail or text"),
        "kind": inv.not_personal("which declared kind of message"),
        "campaign": inv.not_personal("the campaign it belongs to"),
        "category": inv.not_personal("service, security, marketing, newsletter or partner offer"),
        "purpose": inv.not_personal("the consent the message needs"),
        "to": inv.personal("user.contact", purposes=SENDING, erasure="shred"),
        "to_index": inv.personal("user.contact", purposes=SENDING, erasure="clear"),
        "context": inv.personal("user.content.communications", purposes=SENDING, erasure="shred"),
        "headline": inv.personal(
            "user.content.communications",
            purposes=["notices", "support", "legal_obligation"],
            erasure="shred",
        ),
        "body": inv.personal(
            "user.content.communications",
            purposes=["notices", "support", "legal_obligation"],
            erasure="shred",
        ),
        "header_id": inv.not_personal("random Message-ID"),
        "status": inv.not_personal("delivery state"),
        "skip_reason": inv.not_personal("why it was not sent"),
        "attempts": inv.not_personal("count"),
        "last_error": inv.not_personal("an SMTP code and step; never the server's text"),
        "queued_at": inv.not_personal("time"),
        "valid_until": inv.not_personal("time"),
        "claimed_at": inv.not_personal("time"),
        "sent_at": inv.not_personal("time"),
        "finished_at": inv.not_personal("time"),
    },
)

inv.declare(
    "messaging.Suppression",
    subject=None,
    retention=inv.RowRetention(period="consent_history", age_field="at"),
    description="Addresses that bounced or complained, as blind indexes only: marketing skips them",
    fields={
        "id": inv.not_personal("row id"),
        "address_index": inv.personal(
            "user.contact.email",
            purposes=["marketing", "security"],
            erasure="retain",
            retention="consent_history",
            legal_basis="GDPR Art. 21(3): an objection to direct "
            "marketing must keep being honoured",
        ),
        "reason": inv.not_personal("bounce or complaint"),
        "at": inv.not_personal("time"),
    },
)

inv.declare(
    "messaging.Campaign",
    subject=None,
    description="Marketing campaigns and newsletters: the operator's copy and counts, "
    "no one's data",
    fields={
        "id": inv.not_personal("row id"),
        "name": inv.not_personal("the operator's name for it"),
        "audience": inv.not_personal("which list"),
        "headline": inv.not_personal("the operator's copy"),
        "body": inv.not_personal("the operator's copy"),
        "status": inv.not_personal("state"),
        "created_by": inv.not_personal("a staff login's id"),
        "created_at": inv.not_personal("time"),
        "queued_at": inv.not_personal("time"),
        "finished_at": inv.not_personal("time"),
        "audience_size": inv.not_personal("count"),
        "without_consent": inv.not_personal("count"),
    },
)
