"""Opening an account online (COL-1), without the page saying which addresses have one.

Signup opens the account and signs the new customer in at once; nothing confirms the e-mail
address first. So no answer to a signup with an address already in use can look like a real
signup from the visitor's side: a real one is signed in, and a false "welcome" would be
exposed by the next sign-in. Telling them apart for certain needs e-mail confirmation before
the account opens, a larger change to how accounts open (noted as further work).

The design chosen is the smallest sound one:

- The page never says "this address is in use". For such an address the signup is checked
  exactly like any other (every other field's errors are shown, the same way) and, when nothing
  else is wrong, the visitor is told to check their e-mail. Nothing is created.
- The address's owner gets a message, without any link that signs in or resets: "someone tried
  to open an account with your address; if it was you, sign in or reset your password", at
  most once a day (``throttle.SIGNUP_HOLDER_NOTICE``), so probing an address alerts its owner
  without flooding them. Every probe is audited; the visitor's answer is the same either way.
- The signup page is throttled per IP address and per e-mail address typed
  (:mod:`clientvault.accounts.throttle`), so probing many addresses, or one often, is slow.

Usernames must stay unique, so "this username is taken" remains; it is throttled the same way.
Security questions chosen at signup are checked with everything else, before anything is
written, and stored in the same transaction as the account (``open_account``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from clientvault.accounts import throttle
from clientvault.accounts.mail import queue_email
from clientvault.accounts.models import Channel, Customer, Person
from clientvault.accounts.services.customers import find_person_by_email, open_account
from clientvault.accounts.validation import clean_email
from clientvault.privacy.models import PolicyVersion
from clientvault.privacy.services.audit import record_event

ADDRESS_IN_USE_TEMPLATE = "accounts/area/email_signup_address_in_use.txt"


def sign_up(
    *,
    kind: str,
    details: Mapping[str, Any],
    username: str,
    password: str,
    policy_version: PolicyVersion,
    marketing: bool,
    organisation_name: str = "",
    security_answers: Mapping[str, str] | None = None,
) -> Customer | None:
    """Open the account online (the person is its actor); None when the address was in use.

    None means: nothing was opened, the address's owner was told by e-mail (once a day at most),
    and the visitor is to be told to check their e-mail. Every other problem is a
    ValidationError naming its field.
    """
    try:
        return open_account(
            kind=kind,
            details=details,
            username=username,
            password=password,
            channel=Channel.ONLINE,
            actor=None,
            organisation_name=organisation_name,
            policy_version=policy_version,
            marketing=marketing,
            security_answers=security_answers,
        )
    except ValidationError as error:
        holder = _holder_of(details)
        if holder is None:
            raise
        others = {f: e for f, e in error.update_error_dict({}).items() if f != "email"}
        if others:
            raise ValidationError(others) from None
    _tell_holder(holder)
    return None


def _holder_of(details: Mapping[str, Any]) -> Person | None:
    """The person whose (well-formed) address was typed, if it is in use."""
    try:
        address = clean_email(str(details.get("email") or ""))
    except ValidationError:
        return None
    return find_person_by_email(address)


def _tell_holder(person: Person) -> None:
    """The message to the address in use, once a day at most: no link that signs in or resets,
    only the pages. Every attempt is audited, saying whether it was mailed."""
    with transaction.atomic():
        notice = throttle.reserve((throttle.SIGNUP_HOLDER_NOTICE, str(person.pk)))
        if notice.allowed:
            _queue_notice(person)
        record_event(
            action="signup.address_in_use",
            actor=None,
            subject_id=person.subject_id,
            purpose="security",
            obj=person,
            details={"mailed": notice.allowed},
        )


def _queue_notice(person: Person) -> None:
    site = settings.CLIENTVAULT_SITE_URL
    queue_email(
        to=str(person.email),
        subject="Someone tried to open an account with your address",
        template=ADDRESS_IN_USE_TEMPLATE,
        context={
            "login_url": site + reverse("accounts:login"),
            "reset_url": site + reverse("accounts:password_reset"),
        },
    )
