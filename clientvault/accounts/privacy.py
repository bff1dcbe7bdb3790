"""Declarations of the logins and their API tokens.

Names and e-mail addresses are plain text for now; moving them into the vault comes with the
accounts issue. Group membership (``User.groups``) is a staff role, not data about a customer.
"""

from __future__ import annotations

from clientvault.privacy import inventory as inv

ACCOUNT = ["service", "support", "security"]

inv.declare(
    "accounts.User",
    subject="subject",
    description="A login: a customer's or a staff member's",
    fields={
        "id": inv.not_personal("row id"),
        "password": inv.personal(
            "user.authorization.credentials", purposes=["security"], erasure="clear"
        ),
        "last_login": inv.personal("user.behavior", purposes=["security"], erasure="clear"),
        "is_superuser": inv.not_personal("account flag"),
        "username": inv.personal("user.account.username", purposes=ACCOUNT, erasure="pseudonymise"),
        "first_name": inv.personal("user.name", purposes=[*ACCOUNT, "notices"], erasure="clear"),
        "last_name": inv.personal("user.name", purposes=[*ACCOUNT, "notices"], erasure="clear"),
        "email": inv.personal(
            "user.contact.email", purposes=[*ACCOUNT, "notices"], erasure="clear"
        ),
        "is_staff": inv.not_personal("account flag"),
        "is_active": inv.not_personal("account flag"),
        "date_joined": inv.not_personal("when the login was opened"),
        "subject": inv.not_personal("link to the subject"),
    },
)

inv.declare(
    "accounts.ApiToken",
    subject="user__subject",
    retention=inv.RowRetention(period="api_tokens", age_field="expires_at"),
    description="Personal API tokens, stored hashed; rows expire after the token does",
    fields={
        "id": inv.not_personal("row id"),
        "user": inv.not_personal("link to the login"),
        "name": inv.personal("user.content", purposes=["service"], erasure="delete"),
        "prefix": inv.not_personal("random public prefix that names the token, not secret"),
        "digest": inv.personal(
            "user.authorization.credentials", purposes=["security"], erasure="delete"
        ),
        "created_at": inv.not_personal("when the token was made"),
        "expires_at": inv.not_personal("when the token expires"),
        "last_used_at": inv.personal("user.behavior", purposes=["security"], erasure="delete"),
        "revoked_at": inv.not_personal("when the token was revoked"),
    },
)

for _field in ("groups", "user_permissions"):
    inv.exclude(
        f"accounts.User_{_field}",
        reason=f"auto-created many-to-many table of accounts.User.{_field}: two ids, "
        "its rows go with the login",
    )
