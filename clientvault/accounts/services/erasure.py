"""What erasing a person means for their login and account, beyond shredding.

The privacy kernel's erasure destroys the subject's key (the sealed name, e-mail address, login
history and session addresses read as erased) and clears the blind indexes (the e-mail address
finds no one). It then calls :func:`close_erased_logins`, declared as ``on_erasure`` of
``accounts.User`` in the inventory, which does the rest the accounts app knows about:

- every login of the subject is closed: inactive, an unusable password, no last sign-in, and its
  username (a plain column, typed at sign-in) replaced by a pseudonym that names no one, so a
  sign-in with the old username or e-mail address answers exactly like a wrong password;
- its sessions end and whatever only it had is deleted: API tokens (their names are typed text),
  security answers, second-factor devices and its login history, and the lockout and throttle
  counts kept for it;
- the free-text reasons of an account's status changes are cleared once every person on the
  account is erased.

Running it again changes nothing and returns 0.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.hashers import is_password_usable, make_password
from django_otp import devices_for_user

from clientvault.accounts import throttle
from clientvault.accounts.models import (
    ApiToken,
    Customer,
    CustomerStatusChange,
    LoginEvent,
    SecurityAnswer,
    User,
    UserSession,
)
from clientvault.accounts.services.sessions import end_all_sessions
from clientvault.privacy.actors import SYSTEM, Actor
from clientvault.privacy.services.audit import record_event

PSEUDONYM_PREFIX = "erased-"


def pseudonym(user: User) -> str:
    """The username an erased login keeps: made from its random id, naming no one."""
    return f"{PSEUDONYM_PREFIX}{user.pk.hex}"


def close_erased_logins(*, subject_id: uuid.UUID, actor: Actor | None) -> int:
    """Close the logins of an erased subject and clear what names them; how many rows changed."""
    changed = 0
    for user in User.objects.filter(subject_id=subject_id):
        changed += close_login(user=user, actor=actor or SYSTEM)
    return changed + _clear_account_texts(subject_id)


def close_login(*, user: User, actor: Actor) -> int:
    """End the login's sessions, delete what only it had, and close it; how many rows changed."""
    changed = _end_sessions(user, actor) + _delete_credentials(user)
    changed += throttle.forget_login(user.pk)
    if user.is_active or is_password_usable(user.password) or user.username != pseudonym(user):
        User.objects.filter(pk=user.pk).update(
            is_active=False, password=make_password(None), last_login=None, username=pseudonym(user)
        )
        record_event(
            action="login.closed",
            actor=actor,
            subject_id=user.subject_id,
            obj=user,
            purpose="security",
            details={"reason": "erasure"},
        )
        changed += 1
    return changed


def _end_sessions(user: User, actor: Actor) -> int:
    if not UserSession.objects.filter(user=user).exists():
        return 0
    return end_all_sessions(user=user, actor=actor)


def _delete_credentials(user: User) -> int:
    deleted = sum(int(device.delete()[0]) for device in devices_for_user(user, confirmed=None))
    for model in (ApiToken, SecurityAnswer, LoginEvent):
        deleted += model.objects.filter(user=user).delete()[0]
    return deleted


def _clear_account_texts(subject_id: uuid.UUID) -> int:
    """Clear status-change reasons (typed by staff) of accounts with no one left unerased."""
    accounts = Customer.objects.filter(people__subject_id=subject_id).exclude(
        people__subject__erased_at__isnull=True
    )
    reasons = CustomerStatusChange.objects.filter(customer__in=accounts).exclude(reason="")
    return reasons.update(reason="")
