from clientvault.privacy import inventory as inv

inv.declare(
    "kernelapp.Contact",
    subject="subject",
    description="A test contact",
    fields={
        "id": inv.not_personal(),
        "subject": inv.not_personal("link to the subject"),
        "name": inv.personal("user.name", purposes=["service"], erasure="shred"),
        "email": inv.personal(
            "user.contact.email", purposes=["service", "notices"], erasure="shred"
        ),
        "email_index": inv.personal("user.contact.email", purposes=["service"], erasure="clear"),
        "card_number": inv.personal(
            "user.financial.credit_card", purposes=["payment_processing"], erasure="shred"
        ),
        "created_at": inv.not_personal(),
    },
)

inv.declare(
    "kernelapp.Visit",
    subject="subject",
    description="A test login record",
    retention=inv.RowRetention(period="login_history", age_field="at"),
    fields={
        "id": inv.not_personal(),
        "subject": inv.not_personal("link to the subject"),
        "ip_address": inv.personal(
            "user.device.ip_address", purposes=["security"], erasure="delete"
        ),
        "at": inv.not_personal(),
    },
)

inv.declare(
    "kernelapp.Note",
    subject="subject",
    description="A test note erased field by field",
    fields={
        "id": inv.not_personal(),
        "subject": inv.not_personal("link to the subject"),
        "title": inv.personal("user.content", purposes=["service"], erasure="clear"),
        "handle": inv.personal(
            "user.account.username", purposes=["service"], erasure="pseudonymise"
        ),
        "body": inv.personal("user.content", purposes=["service"], erasure="shred"),
        "invoice_number": inv.personal(
            "user.unique_id",
            purposes=["billing"],
            erasure="retain",
            retention="client_log",
            legal_basis="accounting records (tax law)",
        ),
        "remark": inv.personal("user.content", purposes=["support"], erasure="delete"),
        "created_at": inv.not_personal(),
    },
)

inv.declare(
    "kernelapp.Trace",
    subject="subject",
    description="A test trace deleted on erasure",
    fields={
        "id": inv.not_personal(),
        "subject": inv.not_personal("link to the subject"),
        "path": inv.personal(
            "user.behavior.browsing_history", purposes=["security"], erasure="delete"
        ),
        "agent": inv.personal("user.device.browser", purposes=["security"], erasure="delete"),
    },
)

inv.declare(
    "kernelapp.Receipt",
    subject=None,
    description="A test receipt protecting a trace",
    fields={"id": inv.not_personal(), "trace": inv.not_personal("link to the trace")},
)

inv.declare(
    "kernelapp.Household",
    subject="members__subject",
    description="A test group shared by its members",
    fields={
        "id": inv.not_personal(),
        "label": inv.personal("user.contact.address", purposes=["service"], erasure="clear"),
    },
)

inv.declare(
    "kernelapp.Member",
    subject="subject",
    description="A member of a test group",
    fields={
        "id": inv.not_personal(),
        "household": inv.not_personal("link to the group"),
        "subject": inv.not_personal("link to the subject"),
        "nickname": inv.personal("user.name", purposes=["service"], erasure="clear"),
    },
)
