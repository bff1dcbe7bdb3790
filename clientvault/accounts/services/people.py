"""The people on an account (COL-5): inviting authorised users, their permissions, removal.

An invitation carries a random token that is sent only to the e-mail address given; the database
keeps its SHA-256 digest. The invitee opens the link within seven days, gives their own data and
chooses their own login, so each person has their own subject, login and history.

Who may manage people: the owner, or an authorised user with the ``contacts`` permission, and
the latter only for permissions they hold themselves (so no one can hand out more than they
have). Staff and the system may act on any account. No one manages their own permissions here.

Removing an authorised user ends their sessions, closes their login and takes them off the
account; their record stays, unlinked and no longer searchable (its blind indexes cleared), until
the account's retention or an erasure request removes it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from clientvault.accounts import messages
from clientvault.accounts.activities import ACCEPT_INVITATION, INVITE_USER, LABELS
from clientvault.accounts.models import (
    ApiToken,
    Channel,
    ClientLogEvent,
    Customer,
    CustomerStatus,
    Invitation,
    Permission,
    Person,
    PersonRole,
    User,
)
from clientvault.accounts.services.clientlog import log_client_event
from clientvault.accounts.services.customers import (
    check_login,
    clean_person_data,
    email_taken,
    gather,
)
from clientvault.accounts.services.sessions import end_all_sessions
from clientvault.accounts.services.tokens import (
    create_api_token,
    revoke_all_api_tokens,
    revoke_api_token,
)
from clientvault.accounts.validation import clean_email
from clientvault.messaging.services.outbox import queue_message
from clientvault.privacy.actors import Actor, SystemActor
from clientvault.privacy.models import PolicyVersion
from clientvault.privacy.models.policy import AcceptanceChannel
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.services.policy import record_acceptance
from clientvault.privacy.services.subjects import create_subject

INVITATION_DAYS = 7
TOKEN_BYTES = 32
INVALID_INVITATION = (
    "This invitation link is not valid: it may have expired, been used or been withdrawn. "
    "Ask the account owner for a new one."
)
BLIND_INDEXES = ("email_index", "phone_index", "given_name_index", "family_name_index")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def account_people(*, customer: Customer) -> QuerySet[Person]:
    """The people on the account now: the owner and authorised users who have a login."""
    current = Q(role=PersonRole.OWNER) | Q(user__isnull=False)
    return customer.people.filter(current).select_related("user", "subject").order_by("role")


def pending_invitations(*, customer: Customer) -> QuerySet[Invitation]:
    """Invitations still waiting for an answer: not accepted, withdrawn or expired."""
    return customer.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("subject")


def permission_labels(permissions: Iterable[str]) -> str:
    chosen = set(permissions)
    return ", ".join(str(p.label) for p in Permission if p.value in chosen) or "none"


# --- who may manage whom ------------------------------------------------------------------


def _manager(customer: Customer, actor: Actor) -> Person | None:
    """The actor's person on this account when they may manage people; None for staff/system.

    Raises PermissionDenied for anyone else.
    """
    if isinstance(actor, SystemActor) or actor.is_staff:
        return None
    manager = Person.objects.filter(customer=customer, user_id=actor.pk).first()
    if manager is None or not manager.may(Permission.CONTACTS):
        raise PermissionDenied("Only the account owner or a user with the contacts permission.")
    return manager


def _clean_permissions(permissions: Iterable[str], manager: Person | None) -> list[str]:
    chosen = set(permissions)
    unknown = sorted(chosen - set(Permission.values))
    if unknown:
        raise ValidationError({"permissions": f"Permissions: unknown permission {unknown[0]!r}."})
    if manager is not None and not manager.is_owner:
        beyond = [p for p in Permission if p.value in chosen and p.value not in manager.permissions]
        if beyond:
            raise PermissionDenied(
                f"You cannot give the permission “{beyond[0].label}”: you do not hold it yourself."
            )
    return [p.value for p in Permission if p.value in chosen]


def _check_manages(manager: Person | None, person: Person) -> None:
    """A manager acts on authorised users other than themselves, within their own permissions."""
    if person.is_owner:
        raise PermissionDenied("The account owner cannot be changed or removed here.")
    if person.user_id is None:
        raise ValidationError("This person is no longer on the account.")
    if manager is None or manager.is_owner:
        return
    if manager.pk == person.pk:
        raise PermissionDenied("You cannot change your own access; ask the account owner.")
    if not set(person.permissions) <= set(manager.permissions):
        raise PermissionDenied("This user holds permissions you do not have; ask the owner.")


# --- inviting -----------------------------------------------------------------------------


def _invitation_link(token: str) -> str:
    base = str(getattr(settings, "CLIENTVAULT_SITE_URL", "")).rstrip("/")
    return f"{base}{reverse('accounts:invitation_accept', args=[token])}"


def _clean_invitee(customer: Customer, email: str) -> str:
    INVITE_USER.require({"email": email})
    try:
        address = clean_email(email)
    except ValidationError as error:
        raise ValidationError({"email": f"{LABELS['email']}: {error.messages[0]}"}) from None
    if email_taken(address):
        raise ValidationError(
            {"email": f"{LABELS['email']}: this address already belongs to someone with a login."}
        )
    return address


def _withdraw_earlier(customer: Customer, address: str) -> None:
    """A new invitation to the same address replaces the earlier, unanswered one."""
    for earlier in pending_invitations(customer=customer):
        if str(earlier.email).casefold() == address.casefold():
            earlier.revoked_at = timezone.now()
            earlier.save(update_fields=["revoked_at"])


def invite_user(
    *, customer: Customer, email: str, permissions: Iterable[str], actor: Actor
) -> Invitation:
    """Invite someone by e-mail to join the account with ``permissions``; the link lasts 7 days.

    The link goes only to the address given, by e-mail queued in the same transaction.
    """
    with transaction.atomic():
        invitation, token = create_invitation(
            customer=customer, email=email, permissions=permissions, actor=actor
        )
        _send_invitation(invitation, str(invitation.email), token)
    return invitation


def create_invitation(
    *, customer: Customer, email: str, permissions: Iterable[str], actor: Actor
) -> tuple[Invitation, str]:
    """An invitation and its token, returned this once (only its digest is stored).

    ``invite_user`` sends the token by e-mail; demo data and tests may accept it directly.
    """
    manager = _manager(customer, actor)
    address = _clean_invitee(customer, email)
    chosen = _clean_permissions(permissions, manager)
    if customer.status == CustomerStatus.CLOSED:
        raise ValidationError("A closed account cannot take new users.")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        _withdraw_earlier(customer, address)
        invitation = Invitation(
            customer=customer,
            subject=create_subject(actor=actor),
            email=address,
            permissions=chosen,
            token_digest=_digest(token),
            invited_by=actor if isinstance(actor, User) else None,
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        )
        invitation.save()
        _log(customer, ClientLogEvent.USER_INVITED, actor, None, permission_labels(chosen))
        record_event(
            action="person.invited",
            actor=actor,
            subject_id=invitation.subject_id,
            obj=invitation,
            details={"permissions": chosen, "days": INVITATION_DAYS},
        )
    return invitation, token


def _send_invitation(invitation: Invitation, address: str, token: str) -> None:
    customer = invitation.customer
    queue_message(
        subject_id=invitation.subject_id,
        to=address,
        kind=messages.INVITATION.key,
        context={
            "link": _invitation_link(token),
            "account": customer.organisation_name or customer.number,
            "permissions": permission_labels(invitation.permissions),
            "expires": f"{invitation.expires_at:%d %B %Y, %H:%M} UTC",
        },
    )


def revoke_invitation(*, invitation: Invitation, actor: Actor) -> Invitation:
    """Withdraw an unanswered invitation; its link stops working at once."""
    _manager(invitation.customer, actor)
    with transaction.atomic():
        return _withdraw(invitation, actor)


def _withdraw(invitation: Invitation, actor: Actor) -> Invitation:
    return _withdraw_locked(Invitation.objects.select_for_update().get(pk=invitation.pk), actor)


def _withdraw_locked(invitation: Invitation, actor: Actor) -> Invitation:
    """Withdraw an invitation whose row this transaction holds locked (audited, logged)."""
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        return invitation
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    log_client_event(
        customer=invitation.customer,
        event=ClientLogEvent.INVITATION_WITHDRAWN,
        actor=actor,
    )
    record_event(
        action="person.invitation_revoked",
        actor=actor,
        subject_id=invitation.subject_id,
        obj=invitation,
    )
    return invitation


def withdraw_invitations_sent_by(*, user: User, actor: Actor) -> int:
    """Withdraw every unanswered invitation ``user`` sent (the login may be compromised).

    No permission check: securing one's own login is always allowed. How many were withdrawn.
    The rows are locked in one query, then withdrawn one by one.
    """
    waiting = Invitation.objects.filter(
        invited_by=user,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    with transaction.atomic():
        locked = list(
            waiting.select_for_update(of=("self",)).select_related("customer").order_by("pk")
        )
        for invitation in locked:
            _withdraw_locked(invitation, actor)
    return len(locked)


# --- accepting ----------------------------------------------------------------------------


def find_invitation(*, token: str) -> Invitation | None:
    """The open invitation a link's token stands for, or None (unknown, used, withdrawn, old)."""
    if not token or len(token) > 128:
        return None
    return (
        Invitation.objects.select_related("customer", "subject")
        .filter(token_digest=_digest(token), accepted_at__isnull=True, revoked_at__isnull=True)
        .filter(expires_at__gt=timezone.now())
        .exclude(customer__status=CustomerStatus.CLOSED)
        .first()
    )


def _owner_country(customer: Customer) -> str:
    owner = customer.people.filter(role=PersonRole.OWNER).first()
    return owner.country if owner is not None else ""


JOINING_FIELDS = frozenset((*ACCEPT_INVITATION.mandatory, *ACCEPT_INVITATION.voluntary))


def _check_joining(
    invitation: Invitation, details: Mapping[str, Any], username: str, password: str
) -> dict[str, str]:
    """The invitee's cleaned data (e-mail: the invited address), or every problem at once."""
    data = {k: v for k, v in details.items() if k in JOINING_FIELDS}
    data["email"] = str(invitation.email)
    country = _owner_country(invitation.customer)
    errors: dict[str, list[ValidationError]] = {}
    gather(
        errors,
        lambda: ACCEPT_INVITATION.require({**data, "username": username, "password": password}),
    )
    clean = gather(errors, lambda: clean_person_data(data, default_country=country))
    gather(errors, lambda: check_login(username.strip(), password))
    if errors or clean is None:
        raise ValidationError(errors)
    return clean


def accept_invitation(
    *,
    token: str,
    details: Mapping[str, Any],
    username: str,
    password: str,
    policy_version: PolicyVersion | None = None,
) -> Person:
    """Join the account an invitation names, with one's own data and login (COL-5).

    ``policy_version`` is the privacy policy version the invitee accepted (POL-2).
    """
    invitation = find_invitation(token=token)
    if invitation is None:
        raise ValidationError(INVALID_INVITATION)
    clean = _check_joining(invitation, details, username, password)
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None or locked.revoked_at is not None:
            raise ValidationError(INVALID_INVITATION)
        person = _join(locked, clean, username.strip(), password)
        if policy_version is not None:
            _accept_policy(person, policy_version)
    return person


def _accept_policy(person: Person, version: PolicyVersion) -> None:
    record_acceptance(
        subject=person.subject, version=version, channel=AcceptanceChannel.SIGNUP, actor=person.user
    )
    detail = f"version {version.number}"
    _log(person.customer, ClientLogEvent.POLICY_ACCEPTED, person.user, person, detail)


def _join(invitation: Invitation, clean: dict[str, str], username: str, password: str) -> Person:
    user = User(username=username, subject=invitation.subject)
    user.set_password(password)
    user.save()
    person = Person(
        subject=invitation.subject,
        customer=invitation.customer,
        user=user,
        role=PersonRole.AUTHORISED_USER,
        permissions=list(invitation.permissions),
        created_channel=Channel.ONLINE,
        email_confirmed_at=timezone.now(),  # the invitation's link went to this address
        **clean,
    )
    person.save()
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    _log(person.customer, ClientLogEvent.USER_JOINED, user, person, "")
    record_event(
        action="person.joined",
        actor=user,
        subject_id=person.subject_id,
        obj=person,
        details={"invitation": invitation.pk, "permissions": person.permissions},
    )
    return person


# --- permissions and removal --------------------------------------------------------------


def set_permissions(*, person: Person, permissions: Iterable[str], actor: Actor) -> Person:
    """Replace an authorised user's permissions."""
    manager = _manager(person.customer, actor)
    _check_manages(manager, person)
    chosen = _clean_permissions(permissions, manager)
    if chosen == person.permissions:
        return person
    with transaction.atomic():
        before = list(person.permissions)
        person.permissions = chosen
        person.save(update_fields=["permissions"])
        _log(
            person.customer,
            ClientLogEvent.PERMISSIONS_CHANGED,
            actor,
            person,
            permission_labels(chosen),
        )
        record_event(
            action="person.permissions_changed",
            actor=actor,
            subject_id=person.subject_id,
            obj=person,
            details={"before": before, "after": chosen},
        )
    return person


def remove_person(*, person: Person, actor: Actor) -> None:
    """Take an authorised user off the account: sessions ended, login closed, record unlinked."""
    manager = _manager(person.customer, actor)
    _check_manages(manager, person)
    user = person.user
    with transaction.atomic():
        ended = end_all_sessions(user=user, actor=actor) if user is not None else 0
        revoked = _close_login(user, actor) if user is not None else 0
        Person.objects.filter(pk=person.pk).update(
            user=None, permissions=[], **dict.fromkeys(BLIND_INDEXES)
        )
        _log(person.customer, ClientLogEvent.USER_REMOVED, actor, person, "")
        record_event(
            action="person.removed",
            actor=actor,
            subject_id=person.subject_id,
            obj=person,
            details={"sessions_ended": ended, "tokens_revoked": revoked},
        )
    person.refresh_from_db()


def _close_login(user: User, actor: Actor) -> int:
    """No more sign-ins or API calls; a session still open fails Django's password-hash check.

    Returns how many API tokens were revoked (each audited).
    """
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["is_active", "password"])
    return revoke_all_api_tokens(user=user, actor=actor, reason="removed from the account")


# --- the person's own API tokens ----------------------------------------------------------


def create_person_token(*, person: Person, name: str, expires_in_days: int) -> tuple[ApiToken, str]:
    """A personal API token for the person's own login; the text is returned once."""
    user = _login(person)
    with transaction.atomic():
        token, raw = create_api_token(user=user, name=name, expires_in_days=expires_in_days)
        _log(
            person.customer,
            ClientLogEvent.API_TOKEN_CREATED,
            user,
            person,
            f"prefix {token.prefix}",
        )
    return token, raw


def revoke_person_token(*, person: Person, token: ApiToken) -> ApiToken:
    """Revoke one of the person's own tokens."""
    user = _login(person)
    if token.user_id != user.pk:
        raise PermissionDenied("This token is not yours.")
    with transaction.atomic():
        was_open = token.revoked_at is None
        token = revoke_api_token(token=token, actor=user)
        if was_open:
            _log(
                person.customer,
                ClientLogEvent.API_TOKEN_REVOKED,
                user,
                person,
                f"prefix {token.prefix}",
            )
    return token


def _login(person: Person) -> User:
    if person.user is None:
        raise PermissionDenied("This person has no login.")
    return person.user


def _log(
    customer: Customer, event: str, actor: Actor | None, person: Person | None, detail: str
) -> None:
    channel = Channel.STAFF if actor is not None and actor.is_staff else Channel.ONLINE
    log_client_event(
        customer=customer, event=event, actor=actor, channel=channel, person=person, detail=detail
    )
