"""Declarations of support's models (COL-9, REV-1, CTL-5).

A ticket's texts (its title, each message, each attachment's name and content) are
communications content: sealed for the ticket owner's subject, restricted (read only through
``reveal`` with the purpose of the ticket's department), shredded with the subject and kept for
the profile's ``tickets`` period. Forum posts are published by their authors: kept as posted (the
redactor having taken out secrets), with the link to an erased author removed.
"""

from __future__ import annotations

from clientvault.privacy import inventory as inv

# Who reads a ticket's texts: support (and abuse) staff, billing staff for the billing
# department, the privacy officer for the privacy department; the legal team on legal process.
READERS = ["support", "billing", "legal_obligation"]
TICKET_ROWS = "subject"


def _content() -> inv.Personal:
    return inv.personal("user.content.communications", purposes=READERS, erasure="shred")


def _record(category: str = "user.behavior") -> inv.Personal:
    return inv.personal(category, purposes=READERS, erasure="delete")


inv.declare(
    "support.Correspondent",
    subject="subject",
    description="People without an account who wrote to the support address",
    fields={
        "id": inv.not_personal("row id"),
        "subject": inv.not_personal("link to the subject"),
        "email": inv.personal("user.contact.email", purposes=READERS, erasure="shred"),
        "email_index": inv.personal("user.contact.email", purposes=READERS, erasure="clear"),
        "name": inv.personal("user.name", purposes=READERS, erasure="shred"),
        "created_at": inv.not_personal("when"),
    },
)

inv.declare(
    "support.Ticket",
    subject=TICKET_ROWS,
    retention=inv.RowRetention(period="tickets", age_field="updated_at"),
    description="Support tickets: department, priority, status, the service-level clock and, "
    "sealed, their title (COL-9)",
    fields={
        "id": inv.not_personal("row id"),
        "number": inv.not_personal("random ticket number"),
        "customer": inv.not_personal("link to the account"),
        "correspondent": inv.not_personal("link to the correspondent"),
        "subject": inv.not_personal("link to the ticket owner's subject"),
        "opened_by": inv.not_personal("link to the person who opened it"),
        "service": inv.not_personal("link to the service it concerns"),
        "department": _record(),
        "priority": _record(),
        "status": _record(),
        "channel": _record(),
        "title": _content(),
        "assigned_to": inv.not_personal("link to the staff member handling it"),
        "opened_at": inv.not_personal("when"),
        "first_response_due": inv.not_personal("when"),
        "first_responded_at": inv.not_personal("when"),
        "updated_at": inv.not_personal("when"),
        "closed_at": inv.not_personal("when"),
        "rating": _record(),
        "reply_token": inv.not_personal("random secret of the ticket's reply address"),
    },
)

inv.declare(
    "support.TicketMessage",
    subject="ticket__subject",
    description="The messages and staff notes of each ticket, sealed (COL-9)",
    fields={
        "id": inv.not_personal("row id"),
        "ticket": inv.not_personal("link to the ticket"),
        "author_kind": inv.not_personal("customer, correspondent or staff"),
        "author_person": inv.not_personal("link to the person who wrote it"),
        "author_staff": inv.not_personal("link to the staff member who wrote it"),
        "internal": inv.not_personal("a staff note"),
        "body": _content(),
        "removed": inv.not_personal("counts of secrets removed, by kind"),
        "channel": inv.not_personal("how it came"),
        "mail_digest": inv.not_personal("digest of the e-mail's Message-ID"),
        "visibility": _record(),
        "created_at": inv.not_personal("when"),
    },
)

inv.declare(
    "support.Attachment",
    subject="subject",
    description="Files sent with ticket messages, checked by content and sealed",
    fields={
        "id": inv.not_personal("row id"),
        "message": inv.not_personal("link to the message"),
        "subject": inv.not_personal("link to the ticket owner's subject"),
        "filename": _content(),
        "content_type": inv.not_personal("the type found in the content"),
        "size": inv.not_personal("bytes"),
        "data": _content(),
        "removed": inv.not_personal("counts of secrets removed, by kind"),
        "created_at": inv.not_personal("when"),
    },
)

inv.declare(
    "support.TicketEvent",
    subject="ticket__subject",
    description="Each ticket's history of status, priority, department and assignment",
    fields={
        "id": inv.not_personal("row id"),
        "ticket": inv.not_personal("link to the ticket"),
        "kind": _record(),
        "old": _record(),
        "new": _record(),
        "actor_ref": inv.not_personal("who (a login id)"),
        "at": inv.not_personal("when"),
    },
)

inv.declare(
    "support.ForumCategory",
    subject=None,
    description="The forum's categories",
    fields={
        "id": inv.not_personal("row id"),
        "slug": inv.not_personal("address"),
        "name": inv.not_personal("name"),
        "description": inv.not_personal("what it is for"),
        "position": inv.not_personal("order"),
    },
)

_PUBLISHED = inv.personal(
    "user.content",
    purposes=["service"],
    erasure="retain",
    retention="forum",
    legal_basis="Published by its author in the public forum, after a warning that posts are "
    "public; kept as a former member's post, without the link to its author",
)

inv.declare(
    "support.Thread",
    subject="author__subject",
    description="Forum threads (CTL-5: public)",
    on_erasure="clientvault.support.services.forum_erasure.unlink_erased_author",
    fields={
        "id": inv.not_personal("row id"),
        "category": inv.not_personal("link to the category"),
        "title": _PUBLISHED,
        "author": inv.personal("user.unique_id", purposes=["service"], erasure="clear"),
        "created_at": inv.not_personal("when"),
        "last_post_at": inv.not_personal("when"),
        "visibility": inv.not_personal("shown, hidden or deleted after review"),
    },
)

inv.declare(
    "support.Post",
    subject="author__subject",
    description="Forum posts (CTL-5: public)",
    fields={
        "id": inv.not_personal("row id"),
        "thread": inv.not_personal("link to the thread"),
        "author": inv.personal("user.unique_id", purposes=["service"], erasure="clear"),
        "body": _PUBLISHED,
        "removed": inv.not_personal("counts of secrets removed, by kind"),
        "created_at": inv.not_personal("when"),
        "edited_at": inv.not_personal("when"),
        "deleted_by_author_at": inv.not_personal("when"),
        "visibility": inv.not_personal("shown, hidden or deleted after review"),
    },
)

_REVIEW_FIELDS: dict[str, inv.FieldSpec] = {
    "id": inv.not_personal("row id"),
    "message": inv.not_personal("link to the ticket message"),
    "post": inv.not_personal("link to the forum post"),
    "ground": inv.not_personal("a ground from the profile's list"),
}

inv.declare(
    "support.Flag",
    subject=None,
    description="Reports that a communication breaks the acceptable-use policy",
    fields={
        **_REVIEW_FIELDS,
        "flagged_by": inv.not_personal("link to the login that reported it"),
        "created_at": inv.not_personal("when"),
        "resolved_at": inv.not_personal("when"),
    },
)

inv.declare(
    "support.Review",
    subject=None,
    description="Acceptable-use reviews of communications and their grounds (REV-1)",
    fields={
        **_REVIEW_FIELDS,
        "action": inv.not_personal("kept, hidden, deleted or blocked"),
        "reviewer": inv.not_personal("link to the reviewer's login"),
        "at": inv.not_personal("when"),
    },
)

inv.declare(
    "support.PostingBlock",
    subject="person__subject",
    description="Members blocked from posting in the forum after review",
    fields={
        "id": inv.not_personal("row id"),
        "person": inv.not_personal("link to the person"),
        "review": inv.not_personal("link to the review"),
        "since": inv.not_personal("when"),
    },
)
