"""Declarations of the rights requests, their history, codes, agents' permissions and exports.

What a requester typed is sealed for the requester (the person, an agent, or, for a public
request that matched no one, a subject holding only the request); a person's export and an
agent's permission are sealed for the person they concern, so erasing that person makes them
unreadable too.
"""

from __future__ import annotations

from clientvault.privacy import inventory as inv

RIGHTS = ["legal_obligation"]
TYPED = inv.personal("user.content", purposes=RIGHTS, erasure="shred")

inv.declare(
    "rights.RightsRequest",
    subject="requester",
    description="Data-subject requests: access, correction, erasure, objection (RGT-1..3)",
    fields={
        "id": inv.not_personal("row id"),
        "reference": inv.not_personal("random public reference"),
        "kind": inv.not_personal("what was asked"),
        "scope": inv.not_personal("the person or the whole account"),
        "status": inv.not_personal("where the request stands"),
        "channel": inv.not_personal("how the request reached us"),
        "subject": inv.not_personal("link to the person it concerns"),
        "requester": inv.not_personal("link to whoever asked"),
        "is_agent": inv.not_personal("whether an agent asked"),
        "account": inv.personal(
            "user.unique_id",
            purposes=RIGHTS,
            erasure="retain",
            legal_basis="proof that a request was answered (GDPR Art. 5(2) and 12)",
            retention="client_log",
        ),
        "name_given": inv.personal("user.name", purposes=RIGHTS, erasure="shred"),
        "email_given": inv.personal("user.contact.email", purposes=RIGHTS, erasure="shred"),
        "note": TYPED,
        "field": inv.not_personal("the name of the field to correct"),
        "new_value": TYPED,
        "purpose": inv.not_personal("the purpose objected to"),
        "declaration_name": inv.personal("user.name", purposes=RIGHTS, erasure="shred"),
        "declared_at": inv.not_personal("when the declaration was signed"),
        "received_at": inv.not_personal("when"),
        "due_on": inv.not_personal("the deadline"),
        "extended_to": inv.not_personal("the extended deadline"),
        "extension_reason": TYPED,
        "verification": inv.not_personal("how the identity was verified"),
        "verified_at": inv.not_personal("when"),
        "expires_at": inv.not_personal("when an unverified request lapses"),
        "closed_at": inv.not_personal("when"),
        "actor_id": inv.not_personal("id of who entered it"),
        "outcome": inv.not_personal("ids and codes of what was done"),
    },
)

inv.declare(
    "rights.RequestEvent",
    subject="requester",
    description="Each step of a request: who (by role), when, which step and why",
    fields={
        "id": inv.not_personal("row id"),
        "request": inv.not_personal("link to the request"),
        "requester": inv.not_personal("link to whoever asked"),
        "at": inv.not_personal("when"),
        "step": inv.not_personal("which step"),
        "actor_id": inv.not_personal("id of who took the step"),
        "actor_label": inv.not_personal("a role label"),
        "reason": TYPED,
    },
)

inv.declare(
    "rights.VerificationCode",
    subject="request__requester",
    retention=inv.RowRetention(period="identity_checks", age_field="expires_at"),
    description="One-time codes that verify a request, kept as keyed hashes",
    fields={
        "id": inv.not_personal("row id"),
        "request": inv.not_personal("link to the request"),
        "digest": inv.personal(
            "user.authorization.credentials", purposes=["security"], erasure="delete"
        ),
        "channel": inv.not_personal("e-mail or text"),
        "created_at": inv.not_personal("when"),
        "expires_at": inv.not_personal("when it lapses"),
        "tries": inv.not_personal("how many wrong codes were typed"),
        "used_at": inv.not_personal("when it was used"),
        "superseded_at": inv.not_personal("when a newer code replaced it"),
    },
)

inv.declare(
    "rights.AgentPermission",
    subject="holder",
    description="An authorised agent's signed permission, sealed for the person it concerns",
    fields={
        "id": inv.not_personal("row id"),
        "request": inv.not_personal("link to the request"),
        "holder": inv.not_personal("link to the person it concerns"),
        "content": inv.personal("user.content", purposes=RIGHTS, erasure="shred"),
        "content_type": inv.not_personal("PDF, PNG or JPEG"),
        "size": inv.not_personal("bytes"),
        "uploaded_at": inv.not_personal("when"),
    },
)

inv.declare(
    "rights.Export",
    subject="subject",
    description="A copy of a person's data for an access request, sealed for them; deleted "
    "seven days after it was made",
    fields={
        "id": inv.not_personal("row id"),
        "request": inv.not_personal("link to the request"),
        "subject": inv.not_personal("link to the person"),
        "document": inv.personal("user.content", purposes=RIGHTS, erasure="shred"),
        "token_digest": inv.not_personal("hash of the random secret in the e-mailed link"),
        "created_at": inv.not_personal("when"),
        "expires_at": inv.not_personal("when the link lapses"),
        "downloaded_at": inv.not_personal("when it was first downloaded"),
        "deleted_at": inv.not_personal("when the copy was deleted"),
    },
)
