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
