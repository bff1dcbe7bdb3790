"""Opening an account online (COL-1), without the page saying which addresses have one.

Every signup that passes its checks ends the same way for the visitor: "check your e-mail". The
account's address must be confirmed by a link before it can sign in
(:mod:`clientvault.accounts.services.confirmation`), so nothing the visitor sees, nor anything
they can do next, depends on whether the address was in use:

- A new address: the account is opened, its address awaiting confirmation, and the link is
  queued to it in the same transaction.
- An address whose owner confirmed it: nothing is opened. The owner gets a message without any
  link that signs in or resets ("someone tried to open an account with your address; if it was
  you, sign in or reset your password"), at most once a day (``throttle.SIGNUP_HOLDER_NOTICE``),
  so probing an address alerts its owner without flooding them. Every probe is audited. The
  same password work is done as for an account that is opened.
- An address of a signup never confirmed: that signup is replaced by this one (it was nobody's
  yet: whoever can read the address confirms the newest), so a stranger's signup cannot hold
  someone's address.

The checks of every other field run the same way and say the same whether or not the address is
in use. Usernames must stay unique, so "this username is taken" remains (the signup view counts
it as an attempt). Security questions chosen at signup are checked with everything else, before
anything is written, and stored in the same transaction as the account (``open_account``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from clientvault.accounts import messages, throttle
from clientvault.accounts.models import Channel, Person, PersonRole
from clientvault.accounts.services.confirmation import (
    delete_signup_rows,
    is_pending_signup,
    send_signup_confirmation,
    shred_signup,
)
from clientvault.accounts.services.customers import find_person_by_email, open_account
from clientvault.accounts.validation import clean_email
from clientvault.messaging.services.outbox import queue_message
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.models import PolicyVersion
from clientvault.privacy.services.audit import record_event

SIGNUP = SystemActor("signup")


def sign_up(
    *,
    kind: str,
    details: Mapping[str, Any],
    username: str,
    password: str,
    policy_version: PolicyVersion,
    marketing: bool,
    organisation: Mapping[str, str] | None = None,
    security_answers: Mapping[str, str] | None = None,
) -> None:
    """Open the account online, its address to be confirmed by a link; or, when the address is
    someone's, tell them. Either way the visitor is to be told to check their e-mail.

    ``organisation``: the organisation's name, VAT and company numbers (organisation accounts).
    Every problem is a ValidationError naming its field, the same whether or not the address
    is in use; nothing is written then.
    """
    opening = {
        "kind": kind,
        "details": details,
        "username": username,
        "password": password,
        "policy_version": policy_version,
        "marketing": marketing,
        "security_answers": security_answers,
        **dict(organisation or {}),
    }
    holder = _holder_of(details)
    if holder is None:
        _open(opening)
    elif is_pending_signup(holder):
        _replace(holder, opening)
    else:
        _check_others(opening)
        make_password(password)  # as much password work as opening an account
        _tell_holder(holder)


def _open(opening: Mapping[str, Any]) -> None:
    with transaction.atomic():
        customer = open_account(
            channel=Channel.ONLINE, actor=None, email_confirmed=False, **opening
        )
        owner = customer.people.select_related("user").get(role=PersonRole.OWNER)
        send_signup_confirmation(person=owner, actor=owner.user)


def _replace(holder: Person, opening: Mapping[str, Any]) -> None:
    """Open this signup in place of an earlier one with the address, never confirmed."""
    with transaction.atomic():
        subject_id = delete_signup_rows(person=holder, actor=SIGNUP, reason="replaced")
        _open(opening)
    shred_signup(subject_id=subject_id, actor=SIGNUP, reason="replaced")


def _check_others(opening: Mapping[str, Any]) -> None:
    """Every check but the address's, which is in use: nothing is opened either way."""
    try:
        with transaction.atomic():  # refused for the address, so nothing is written; should
            # the address have come free meanwhile, nothing is kept either
            open_account(channel=Channel.ONLINE, actor=None, email_confirmed=False, **opening)
            transaction.set_rollback(True)
    except ValidationError as error:
        others = {f: e for f, e in error.update_error_dict({}).items() if f != "email"}
        if others:
            raise ValidationError(others) from None


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
    queue_message(
        subject_id=person.subject_id,
        to=str(person.email),
        kind=messages.SIGNUP_ADDRESS_IN_USE.key,
        context={
            "login_url": site + reverse("accounts:login"),
            "reset_url": site + reverse("accounts:password_reset"),
        },
    )
