"""Declarations of the logins and their API tokens, the customers and people, and security.

A login's name and e-mail address are sealed in the vault for its subject (a customer's own are
on their Person; these are a staff login's) and erased by shredding; the e-mail is found through
its blind index. The username is the one plain personal column of a login (see its declaration).
Group membership (``User.groups``) is a staff role, not data about a customer. Nothing here holds
a secret that signs anyone in as it stands: sessions are named by a digest of their key (and left
out of backups), an authenticator's secret is sealed in the vault, recovery codes and API tokens
are kept as hashes.
"""

from __future__ import annotations

from clientvault.privacy import inventory as inv

ACCOUNT = ["service", "support", "security"]

inv.declare(
    "accounts.User",
    subject="subject",
    # Erasure closes the login: inactive, unusable password, sessions ended, credentials deleted.
    on_erasure="clientvault.accounts.services.erasure.close_erased_logins",
    description="A login: a customer's or a staff member's. Name and e-mail are in the vault, "
    "the e-mail found by its blind index; the username stays a plain column because it is the "
    "unique sign-in name that Django's authentication and createsuperuser query directly "
    "(it is pseudonymised on erasure)",
    fields={
        "id": inv.not_personal("row id"),
        "password": inv.personal(
            "user.authorization.credentials", purposes=["security"], erasure="clear"
        ),
        "last_login": inv.personal("user.behavior", purposes=["security"], erasure="clear"),
        "is_superuser": inv.not_personal("account flag"),
        "username": inv.personal("user.account.username", purposes=ACCOUNT, erasure="pseudonymise"),
        "first_name": inv.personal("user.name", purposes=[*ACCOUNT, "notices"], erasure="shred"),
        "last_name": inv.personal("user.name", purposes=[*ACCOUNT, "notices"], erasure="shred"),
        "email": inv.personal(
            "user.contact.email", purposes=[*ACCOUNT, "notices"], erasure="shred"
        ),
        "email_index": inv.personal("user.contact.email", purposes=["security"], erasure="clear"),
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

# --- customers and people -------------------------------------------------------------------

SERVICE = ["service", "support", "notices", "billing"]
_person_vault = {
    "given_name": "user.name",
    "family_name": "user.name",
    "email": "user.contact.email",
    "phone": "user.contact.phone_number",
    "address_line1": "user.contact.address",
    "address_line2": "user.contact.address",
    "city": "user.contact.address",
    "postal_code": "user.contact.address",
    "region": "user.contact.address",
    "employer": "user.workplace",
    "job_title": "user.workplace",
    "department": "user.workplace",
    "business_phone": "user.contact.phone_number",
}

inv.declare(
    "accounts.Customer",
    subject="people__subject",
    description="A customer account: individual or organisation, status, how it was opened",
    fields={
        "id": inv.not_personal("row id"),
        "number": inv.personal(
            "user.unique_id",
            purposes=SERVICE,
            erasure="retain",
            legal_basis="accounting records (tax law)",
            retention="client_log",
        ),
        "kind": inv.not_personal("individual or organisation"),
        "status": inv.personal(
            "system.operations",
            purposes=["service"],
            erasure="retain",
            legal_basis="accounting records (tax law)",
            retention="client_log",
        ),
        "created_channel": inv.not_personal("online, telephone or staff"),
        "created_by": inv.not_personal("link to the staff login that opened it"),
        "created_at": inv.not_personal("when the account was opened"),
        "is_reseller": inv.not_personal("whether the account resells the operator's services"),
    },
)

inv.declare(
    "accounts.CustomerStatusChange",
    subject="customer__people__subject",
    description="The account status history",
    fields={
        "id": inv.not_personal("row id"),
        "customer": inv.not_personal("link to the account"),
        "from_status": inv.personal("system.operations", purposes=["service"], erasure="delete"),
        "to_status": inv.personal("system.operations", purposes=["service"], erasure="delete"),
        "at": inv.not_personal("when"),
        "actor_id": inv.not_personal("id of who changed it"),
        "reason": inv.personal("system.operations", purposes=["service"], erasure="clear"),
    },
)

inv.declare(
    "accounts.Person",
    subject="subject",
    # A rights request corrects these through the profile's own validation (Art. 16).
    updater="clientvault.accounts.services.corrections.correct_person_field",
    correctable=[*(name for name in _person_vault if name != "email"), "country"],
    description="A person on an account: the owner or an authorised user (COL-3, COL-4, COL-5)",
    fields={
        "id": inv.not_personal("row id"),
        "subject": inv.not_personal("link to the subject"),
        "customer": inv.not_personal("link to the account"),
        "user": inv.not_personal("link to the person's own login"),
        "role": inv.not_personal("owner or authorised user"),
        "permissions": inv.not_personal("what the person may do on the account"),
        **{
            name: inv.personal(category, purposes=SERVICE, erasure="shred")
            for name, category in _person_vault.items()
        },
        "country": inv.personal("user.contact.address", purposes=SERVICE, erasure="clear"),
        "email_confirmed_at": inv.not_personal("when the e-mail address was confirmed"),
        "email_index": inv.personal("user.contact.email", purposes=["service"], erasure="clear"),
        "phone_index": inv.personal(
            "user.contact.phone_number", purposes=["service"], erasure="clear"
        ),
        "given_name_index": inv.personal("user.name", purposes=["support"], erasure="clear"),
        "family_name_index": inv.personal("user.name", purposes=["support"], erasure="clear"),
        "created_channel": inv.not_personal("how the data reached us"),
        "created_by": inv.not_personal("link to the staff login that entered it"),
        "created_at": inv.not_personal("when"),
    },
)

inv.declare(
    "accounts.Organisation",
    subject="subject",
    description="An organisation account's name, VAT number and company registration number, "
    "sealed for the account owner (a sole trader's business often names them)",
    fields={
        "id": inv.not_personal("row id"),
        "customer": inv.not_personal("link to the account"),
        "subject": inv.not_personal("link to the account owner's subject"),
        "name": inv.personal("user.workplace", purposes=SERVICE, erasure="shred"),
        "vat_number": inv.personal("user.financial", purposes=SERVICE, erasure="shred"),
        "company_number": inv.personal("user.workplace", purposes=SERVICE, erasure="shred"),
        "created_at": inv.not_personal("when"),
    },
)

inv.declare(
    "accounts.OrganisationNameToken",
    subject="subject",
    description="The words of an organisation's name, sealed, with keyed blind indexes, so "
    "staff find an organisation by name while the name stays in the vault",
    fields={
        "id": inv.not_personal("row id"),
        "organisation": inv.not_personal("link to the organisation"),
        "subject": inv.not_personal("link to the account owner's subject"),
        "word": inv.personal("user.workplace", purposes=["support"], erasure="shred"),
        "word_index": inv.personal("user.workplace", purposes=["support"], erasure="clear"),
    },
)

inv.declare(
    "accounts.EmailConfirmation",
    subject="subject",
    retention=inv.RowRetention(period="unconfirmed_signups", age_field="expires_at"),
    description="Links that confirm an e-mail address at signup or a new address; rows go "
    "the profile's unconfirmed_signups period after the link expired",
    fields={
        "id": inv.not_personal("row id"),
        "person": inv.not_personal("link to the person"),
        "subject": inv.not_personal("link to the subject"),
        "purpose": inv.not_personal("signup or change"),
        "email": inv.personal("user.contact.email", purposes=["service"], erasure="shred"),
        "secret_digest": inv.not_personal("hash of a random secret"),
        "channel": inv.not_personal("through which channel it was asked for"),
        "actor_id": inv.not_personal("id of who asked for it"),
        "created_at": inv.not_personal("when"),
        "expires_at": inv.not_personal("when the link lapses"),
        "confirmed_at": inv.not_personal("when the link was followed"),
        "withdrawn_at": inv.not_personal("when a newer link replaced it"),
    },
)

inv.declare(
    "accounts.ProfileChange",
    subject="subject",
    retention=inv.RowRetention(period="profile_history", age_field="at"),
    description="Every change to a person's data, old -> new (CTL-1)",
    fields={
        "id": inv.not_personal("row id"),
        "person": inv.not_personal("link to the person"),
        "subject": inv.not_personal("link to the subject"),
        "field": inv.not_personal("which field changed"),
        "old_value": inv.personal("user.contact", purposes=["service"], erasure="shred"),
        "new_value": inv.personal("user.contact", purposes=["service"], erasure="shred"),
        "at": inv.not_personal("when"),
        "actor_id": inv.not_personal("id of who changed it"),
        "channel": inv.not_personal("through which channel"),
    },
)

inv.declare(
    "accounts.Invitation",
    subject="subject",
    retention=inv.RowRetention(period="invitations", age_field="expires_at"),
    description="Invitations of authorised users, sent by e-mail (COL-5)",
    fields={
        "id": inv.not_personal("row id"),
        "customer": inv.not_personal("link to the account"),
        "subject": inv.not_personal("link to the invited person's subject"),
        "email": inv.personal("user.contact.email", purposes=["service"], erasure="shred"),
        "permissions": inv.not_personal("what the person will be allowed"),
        "token_digest": inv.not_personal("hash of a random secret"),
        "invited_by": inv.not_personal("link to the login that invited"),
        "created_at": inv.not_personal("when"),
        "expires_at": inv.not_personal("when it lapses"),
        "accepted_at": inv.not_personal("when it was accepted"),
        "revoked_at": inv.not_personal("when it was withdrawn"),
    },
)

inv.declare(
    "accounts.ClientLogEntry",
    subject="customer__people__subject",
    retention=inv.RowRetention(period="client_log", age_field="at"),
    description="The account's activity log (COL-7); role labels, never names",
    fields={
        "id": inv.not_personal("row id"),
        "customer": inv.not_personal("link to the account"),
        "person": inv.not_personal("link to the person it concerns"),
        "event": inv.personal("user.behavior", purposes=["service", "security"], erasure="delete"),
        "detail": inv.personal("user.behavior", purposes=["service", "security"], erasure="delete"),
        "actor_label": inv.not_personal("a role label"),
        "channel": inv.not_personal("through which channel"),
        "at": inv.not_personal("when"),
    },
)

# --- security ---------------------------------------------------------------------------------

inv.declare(
    "accounts.SecurityAnswer",
    subject="user__subject",
    description="Security answers, normalised and hashed (SEC-2)",
    fields={
        "id": inv.not_personal("row id"),
        "user": inv.not_personal("link to the login"),
        "question": inv.not_personal("which question"),
        "answer_hash": inv.personal(
            "user.authorization.credentials", purposes=["security"], erasure="delete"
        ),
        "created_at": inv.not_personal("when"),
    },
)

inv.declare(
    "accounts.LoginEvent",
    subject="subject",
    retention=inv.RowRetention(period="login_history", age_field="at"),
    description="Login history: time, IP address, browser (COL-12)",
    fields={
        "id": inv.not_personal("row id"),
        "user": inv.not_personal("link to the login"),
        "subject": inv.not_personal("link to the subject"),
        "at": inv.not_personal("when"),
        "outcome": inv.personal("user.behavior", purposes=["security"], erasure="delete"),
        "ip_address": inv.personal(
            "user.device.ip_address", purposes=["security"], erasure="shred"
        ),
        "browser": inv.personal("user.device.browser", purposes=["security"], erasure="shred"),
    },
)

SESSIONS_NOT_IN_BACKUPS = (
    "live sign-in sessions: a backup holds nothing that signs anyone in, and a restore signs "
    "everyone out"
)

inv.declare(
    "accounts.UserSession",
    subject="subject",
    retention=inv.RowRetention(period="sessions", age_field="last_seen_at"),
    description="Signed-in sessions, so a person can see and end them; named by the digest of "
    "the session key, never the key",
    not_in_backups=SESSIONS_NOT_IN_BACKUPS,
    fields={
        "id": inv.not_personal("row id"),
        "user": inv.not_personal("link to the login"),
        "subject": inv.not_personal("link to the subject"),
        "key_digest": inv.not_personal(
            "SHA-256 of a random session key: names the session, cannot be used to sign in"
        ),
        "ip_address": inv.personal(
            "user.device.ip_address", purposes=["security"], erasure="shred"
        ),
        "browser": inv.personal("user.device.browser", purposes=["security"], erasure="shred"),
        "created_at": inv.not_personal("when"),
        "last_seen_at": inv.not_personal("when"),
    },
)

inv.declare(
    "accounts.StoredSession",
    subject=None,
    retention=inv.RowRetention(period="sessions", age_field="expire_date"),
    description="Sessions (accounts.sessionstore): named by the digest of the cookie's key, their "
    "data sealed under that key; rows expire after the session does",
    not_in_backups=SESSIONS_NOT_IN_BACKUPS,
    fields={
        "key_digest": inv.not_personal(
            "SHA-256 of a random session key: names the session, cannot be used to sign in"
        ),
        "session_data": inv.personal(
            "user.authorization.credentials",
            purposes=["service", "security"],
            erasure="delete",
        ),
        "expire_date": inv.not_personal("when the session expires"),
    },
)

# --- second factor ----------------------------------------------------------------------------

_DEVICE_FIELDS: dict[str, inv.FieldSpec] = {
    "id": inv.not_personal("row id"),
    "user": inv.not_personal("link to the login"),
    "name": inv.not_personal("the device's kind: authenticator app or recovery codes"),
    "confirmed": inv.not_personal("whether the device was confirmed"),
    "created_at": inv.not_personal("when"),
}

inv.declare(
    "accounts.AuthenticatorDevice",
    subject="subject",
    description="Authenticator apps (second factor, SEC-2): the secret sealed in the vault; "
    "deleted when turned off",
    fields={
        **_DEVICE_FIELDS,
        "subject": inv.not_personal("link to the login's subject"),
        "key": inv.personal(
            "user.authorization.credentials", purposes=["security"], erasure="shred"
        ),
        "drift": inv.not_personal("TOTP clock offset"),
        "last_t": inv.not_personal("TOTP time step of the last code accepted"),
        "last_used_at": inv.personal("user.behavior", purposes=["security"], erasure="delete"),
    },
)

inv.declare(
    "accounts.RecoveryCodeDevice",
    subject="user__subject",
    description="A login's set of recovery codes (second factor); deleted when turned off",
    fields=_DEVICE_FIELDS,
)

inv.declare(
    "accounts.RecoveryCode",
    subject="device__user__subject",
    description="One unused recovery code, kept only as a keyed hash; deleted once used",
    fields={
        "id": inv.not_personal("row id"),
        "device": inv.not_personal("link to the set"),
        "digest": inv.personal(
            "user.authorization.credentials", purposes=["security"], erasure="delete"
        ),
    },
)

inv.declare(
    "accounts.UnauthorisedUseReport",
    subject="subject",
    retention=inv.RowRetention(period="security_reports", age_field="created_at"),
    description="Reports of unauthorised use of an account (SEC-3)",
    fields={
        "id": inv.not_personal("row id"),
        "customer": inv.not_personal("link to the account"),
        "person": inv.not_personal("link to the reporter"),
        "subject": inv.not_personal("link to the subject"),
        "description": inv.personal("user.content", purposes=["security"], erasure="shred"),
        "status": inv.not_personal("workflow state"),
        "created_at": inv.not_personal("when"),
        "handled_by": inv.not_personal("link to the staff login"),
        "handled_at": inv.not_personal("when"),
    },
)

inv.declare(
    "accounts.IdentityCheck",
    subject="person__subject",
    retention=inv.RowRetention(period="identity_checks", age_field="created_at"),
    description="Staff checks of a caller's identity before revealing details (CTL-6)",
    fields={
        "id": inv.not_personal("row id"),
        "staff": inv.not_personal("link to the staff login"),
        "person": inv.not_personal("link to the person checked"),
        "channel": inv.not_personal("telephone or ticket"),
        "method": inv.not_personal("how"),
        "status": inv.personal("user.behavior", purposes=["security"], erasure="delete"),
        "code_digest": inv.not_personal("hash of a one-time code"),
        "attempts": inv.not_personal("count"),
        "created_at": inv.not_personal("when"),
        "decided_at": inv.not_personal("when"),
        "valid_until": inv.not_personal("when"),
    },
)

inv.declare(
    "accounts.ThrottleBucket",
    subject=None,
    retention=inv.RowRetention(period="throttle", age_field="window_start"),
    description="Rate-limit counters keyed by a keyed hash of the IP address or identifier",
    fields={
        "id": inv.not_personal("row id"),
        "scope": inv.not_personal("which route"),
        "key_digest": inv.not_personal("a keyed hash; the key rotates with SECRET_KEY"),
        "window_start": inv.not_personal("when"),
        "count": inv.not_personal("count"),
    },
)
