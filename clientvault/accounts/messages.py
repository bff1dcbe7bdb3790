"""The kinds of message accounts sends (declared with messaging; see messaging.kinds).

Links and codes are secrets: they fill the message that leaves and are withheld from the copy
the outbox keeps.
"""

from __future__ import annotations

from clientvault.messaging.kinds import declare
from clientvault.messaging.models import Category, Channel

SECURITY, SERVICE = Category.SECURITY, Category.SERVICE

SIGNUP_CONFIRMATION = declare(
    "accounts.signup_confirmation",
    category=SECURITY,
    headline="Confirm your e-mail address",
    text_template="accounts/area/email_confirm_signup.txt",
    variables=["hours", "days"],
    secrets=["link"],
)
EMAIL_CHANGE_CONFIRMATION = declare(
    "accounts.email_change_confirmation",
    category=SECURITY,
    headline="Confirm your new e-mail address",
    text_template="accounts/area/email_confirm_change.txt",
    variables=["hours"],
    secrets=["link"],
)
EMAIL_CHANGE_REQUESTED = declare(
    "accounts.email_change_requested",
    category=SECURITY,
    headline="A change of your e-mail address was asked for",
    text_template="accounts/area/email_change_requested.txt",
    variables=["hours", "login_url"],
)
EMAIL_CHANGED = declare(
    "accounts.email_changed",
    category=SECURITY,
    headline="Your e-mail address was changed",
    text_template="accounts/area/email_address_changed.txt",
)
PASSWORD_RESET = declare(
    "accounts.password_reset",
    category=SECURITY,
    headline="Reset your password",
    text_template="accounts/auth/email/password_reset.txt",
    variables=["minutes"],
    secrets=["link"],
)
PASSWORD_CHANGED = declare(
    "accounts.password_changed",
    category=SECURITY,
    headline="Your password was changed",
    text_template="accounts/auth/email/password_changed.txt",
    variables=["security_url"],
)
IDENTITY_CODE = declare(
    "accounts.identity_code",
    category=SECURITY,
    headline="Your identity check code",
    text_template="accounts/staff/email/identity_code.txt",
    variables=["minutes"],
    secrets=["code"],
)
IDENTITY_CODE_TEXT = declare(
    "accounts.identity_code_text",
    category=SECURITY,
    channel=Channel.TEXT,
    text_template="accounts/staff/text/identity_code.txt",
    variables=["minutes"],
    secrets=["code"],
)
INVITATION = declare(
    "accounts.invitation",
    category=SERVICE,
    headline="You are invited to a hosting account",
    text_template="accounts/area/email_invitation.txt",
    variables=["account", "permissions", "expires"],
    secrets=["link"],
)
SIGNUP_ADDRESS_IN_USE = declare(
    "accounts.signup_address_in_use",
    category=SECURITY,
    headline="Someone tried to open an account with your address",
    text_template="accounts/area/email_signup_address_in_use.txt",
    variables=["login_url", "reset_url"],
)
