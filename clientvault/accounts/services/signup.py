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
  to open an account with your address; if it was you, sign in or reset your password". Each
  probe of an address therefore alerts its owner.
- The password given is hashed either way, so the time taken tells nothing more.
- The signup page is throttled per IP address and per e-mail address typed
  (:mod:`clientvault.accounts.throttle`), so probing many addresses, or one often, is slow.

Usernames must stay unique, so "this username is taken" remains; it is throttled the same way.
Security questions chosen at signup are stored in the same transaction as the account.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from clientvault.accounts.mail import queue_email
from clientvault.accounts.models import Channel, Customer, Person, PersonRole
from clientvault.accounts.services.customers import find_person_by_email, gather, open_account
from clientvault.accounts.services.security import clean_security_answers, set_security_answers
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

    None means: nothing was opened, the address's owner was told by e-mail, and the visitor is
    to be told to check their e-mail. Every other problem is a ValidationError naming its field.
    """
    opening: dict[str, Any] = {
        "kind": kind,
        "details": details,
        "username": username,
        "password": password,
        "policy_version": policy_version,
        "marketing": marketing,
        "organisation_name": organisation_name,
    }
    try:
        return _open(opening, dict(security_answers or {}))
    except ValidationError as error:
        holder = _holder_of(details)
        if holder is None:
            raise
        others = {f: e for f, e in error.update_error_dict({}).items() if f != "email"}
        if others:
            raise ValidationError(others) from None
    make_password(password)  # the work opening an account would have done
    _tell_holder(holder)
    return None


def _open(opening: dict[str, Any], answers: dict[str, str]) -> Customer:
    """``open_account`` and the security answers in one transaction, every error at once."""
    errors: dict[str, list[ValidationError]] = {}
    if answers:
        gather(errors, lambda: clean_security_answers(answers))
    with transaction.atomic():
        customer = gather(
            errors, lambda: open_account(**opening, channel=Channel.ONLINE, actor=None)
        )
        if errors or customer is None:
            raise ValidationError(errors)  # rolls back an account opened meanwhile
        if answers:
            owner = customer.people.select_related("user").get(role=PersonRole.OWNER)
            assert owner.user is not None
            set_security_answers(user=owner.user, answers=answers, actor=owner.user)
    return customer


def _holder_of(details: Mapping[str, Any]) -> Person | None:
    """The person whose (well-formed) address was typed, if it is in use."""
    try:
        address = clean_email(str(details.get("email") or ""))
    except ValidationError:
        return None
    return find_person_by_email(address)


def _tell_holder(person: Person) -> None:
    """The message to the address in use: no link that signs in or resets, only the pages."""
    site = settings.CLIENTVAULT_SITE_URL
    with transaction.atomic():
        queue_email(
            to=str(person.email),
            subject="Someone tried to open an account with your address",
            template=ADDRESS_IN_USE_TEMPLATE,
            context={
                "login_url": site + reverse("accounts:login"),
                "reset_url": site + reverse("accounts:password_reset"),
            },
        )
        record_event(
            action="signup.address_in_use",
            actor=None,
            subject_id=person.subject_id,
            purpose="security",
            obj=person,
        )
