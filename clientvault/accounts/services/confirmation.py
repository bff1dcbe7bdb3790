"""Confirming e-mail addresses: a new account's, and every new address after it.

A link goes to the address to confirm. Its token is signed (``django.core.signing``, its own
salt, so it expires after :data:`LINK_VALID` even if the database says otherwise) and names one
:class:`~clientvault.accounts.models.EmailConfirmation` and a random secret of which the database
keeps only the SHA-256 digest; the row makes it single-use, and a newer link for the same
person withdraws it. Opening the link moves the token into the session before anything is shown
(``views.confirmation``), so it never leaks through a Referer header.

- **Signup.** The account is opened with its address unconfirmed
  (``Person.email_confirmed_at`` empty): the login cannot sign in until the link is followed.
  After the right password, sign-in says so and offers a new link
  (:func:`hold_unconfirmed_sign_in`); a wrong password gets the usual answer, so nothing is told
  to someone who does not know it. The public password reset sends such an account nothing
  (:func:`is_pending_signup`). A signup never confirmed is deleted, its subject shredded, after
  the profile's ``unconfirmed_signups`` period (:data:`UNCONFIRMED_SIGNUPS`, run by the retention
  sweep); a new signup with its address replaces it (``services.signup``).
- **A new address** (the profile's e-mail page, staff on the telephone) is kept, sealed, on its
  confirmation and takes effect only when its link is followed; the old address is told when
  the change is asked for and again when it is made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from clientvault.accounts import messages
from clientvault.accounts.activities import LABELS
from clientvault.accounts.models import (
    Channel,
    ClientLogEvent,
    ConfirmationPurpose,
    EmailConfirmation,
    Person,
    PersonRole,
    User,
)
from clientvault.accounts.services.clientlog import log_client_event, on_record, person_of, user_pk
from clientvault.accounts.services.customers import (
    PERSON_FIELDS,
    apply_person_changes,
    email_taken,
)
from clientvault.accounts.validation import clean_email
from clientvault.messaging.services.outbox import queue_message
from clientvault.privacy.actors import Actor, SystemActor, actor_ref
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.services.erasure import shred_subject
from clientvault.privacy.services.retention import ExtraRule

LINK_VALID = dt.timedelta(hours=24)
HOLD = dt.timedelta(minutes=30)  # how long sign-in remembers an unconfirmed login for a new link
SALT = "clientvault.accounts.email-confirmation"
SECRET_BYTES = 32
UNCONFIRMED_LOGIN = "cv_unconfirmed_login"  # session key: the login that may ask for a new link
RETENTION = SystemActor("retention")
INVALID_LINK = (
    "This link does not work: it may have expired (links work for 24 hours), been used "
    "already, or been replaced by a newer one."
)
ADDRESS_NOW_IN_USE = (
    "This address now belongs to another account, so it cannot become yours. Nothing was "
    "changed: your e-mail address is as it was."
)


# --- the state of an address ----------------------------------------------------------------


def awaits_confirmation(person: Person) -> bool:
    """Whether the person's address has never been confirmed (a login that cannot sign in)."""
    return person.email_confirmed_at is None


def is_pending_signup(person: Person) -> bool:
    """An account opened online whose address was never confirmed: not yet anyone's."""
    return (
        person.role == PersonRole.OWNER
        and person.created_channel == Channel.ONLINE
        and awaits_confirmation(person)
    )


def pending_email_change(person: Person) -> EmailConfirmation | None:
    """The new address waiting for its link to be followed, if one is."""
    return (
        EmailConfirmation.objects.filter(
            person=person,
            purpose=ConfirmationPurpose.CHANGE,
            confirmed_at__isnull=True,
            withdrawn_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at")
        .first()
    )


# --- sending links ---------------------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _link(confirmation: EmailConfirmation, secret: str) -> str:
    token = signing.dumps([confirmation.pk.hex, secret], salt=SALT, compress=False)
    path = reverse("accounts:email_confirm_link", args=[token])
    return f"{settings.CLIENTVAULT_SITE_URL}{path}"


def _new_link(
    *, person: Person, email: str, purpose: str, actor: Actor | None, channel: str
) -> tuple[EmailConfirmation, str]:
    """A new confirmation (earlier open ones withdrawn) and its link, in the caller's
    transaction."""
    now = timezone.now()
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one new link at a time
    open_ones = EmailConfirmation.objects.filter(
        person=person, confirmed_at__isnull=True, withdrawn_at__isnull=True
    )
    open_ones.update(withdrawn_at=now)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    confirmation = EmailConfirmation(
        person=person,
        subject_id=person.subject_id,
        purpose=purpose,
        email=email,
        secret_digest=_digest(secret),
        channel=channel,
        actor_id=actor_ref(actor),
        created_at=now,
        expires_at=now + LINK_VALID,
    )
    confirmation.save()
    return confirmation, _link(confirmation, secret)


def _hours() -> str:
    return str(int(LINK_VALID.total_seconds() // 3600))


def send_signup_confirmation(*, person: Person, actor: Actor | None) -> EmailConfirmation:
    """Queue the link that confirms a new account's address (to that address only)."""
    address = on_record(person.email)
    with transaction.atomic():
        confirmation, link = _new_link(
            person=person,
            email=address,
            purpose=ConfirmationPurpose.SIGNUP,
            actor=actor,
            channel=Channel.ONLINE,
        )
        days = current_profile().retention["unconfirmed_signups"]
        queue_message(
            subject_id=person.subject_id,
            to=address,
            kind=messages.SIGNUP_CONFIRMATION.key,
            context={"link": link, "hours": _hours(), "days": str(days)},
        )
        _audit_sent(confirmation, actor)
    return confirmation


def _audit_sent(confirmation: EmailConfirmation, actor: Actor | None) -> None:
    record_event(
        action="email_confirmation.sent",
        actor=actor,
        subject_id=confirmation.subject_id,
        purpose="security",
        obj=confirmation,
        details={"purpose": confirmation.purpose, "channel": confirmation.channel},
    )


def resend_signup_confirmation(*, user: User) -> bool:
    """A new link for a login whose address still awaits one (the old link stops working);
    whether one was sent."""
    person = person_of(user)
    if person is None or not awaits_confirmation(person):
        return False
    send_signup_confirmation(person=person, actor=user)
    return True


def clean_new_email(person: Person, email: str) -> str:
    """The new address, checked; a ValidationError naming the field."""
    try:
        address = clean_email(email)
    except ValidationError as error:
        raise ValidationError({"email": f"{LABELS['email']}: {error.messages[0]}"}) from None
    if email_taken(address, person):
        message = f"{LABELS['email']}: another account already uses this address."
        raise ValidationError({"email": message})
    return address


def request_email_change(
    *, person: Person, email: str, actor: Actor | None, channel: str
) -> EmailConfirmation | None:
    """Send a link to the new address ``email``, which becomes the person's only when it is
    followed; the current address is told. None when ``email`` is the current address."""
    address = clean_new_email(person, email)
    old = on_record(person.email)
    if address.casefold() == old.casefold():
        return None
    with transaction.atomic():
        confirmation, link = _new_link(
            person=person,
            email=address,
            purpose=ConfirmationPurpose.CHANGE,
            actor=actor,
            channel=channel,
        )
        _mail_change_links(person, address, old, link)
        log_client_event(
            customer=person.customer,
            event=ClientLogEvent.EMAIL_CHANGE_REQUESTED,
            actor=actor,
            channel=channel,
            person=person,
        )
        _audit_sent(confirmation, actor)
    return confirmation


def _mail_change_links(person: Person, address: str, old: str, link: str) -> None:
    queue_message(
        subject_id=person.subject_id,
        to=address,
        kind=messages.EMAIL_CHANGE_CONFIRMATION.key,
        context={"link": link, "hours": _hours()},
    )
    if old:
        login_url = settings.CLIENTVAULT_SITE_URL + reverse("accounts:login")
        queue_message(
            subject_id=person.subject_id,
            to=old,
            kind=messages.EMAIL_CHANGE_REQUESTED.key,
            context={"hours": _hours(), "login_url": login_url},
        )


def withdraw_email_change(*, person: Person, actor: Actor | None) -> bool:
    """Cancel a change of address waiting for its link (the link stops working); whether one
    was waiting."""
    with transaction.atomic():
        waiting = EmailConfirmation.objects.select_for_update().filter(
            person=person,
            purpose=ConfirmationPurpose.CHANGE,
            confirmed_at__isnull=True,
            withdrawn_at__isnull=True,
        )
        ids = list(waiting.values_list("pk", flat=True))
        if not ids:
            return False
        EmailConfirmation.objects.filter(pk__in=ids).update(withdrawn_at=timezone.now())
        record_event(
            action="person.email_change_withdrawn",
            actor=actor,
            subject_id=person.subject_id,
            purpose="security",
            obj=person,
        )
    return True


# --- following a link ------------------------------------------------------------------------


def _parse(token: str) -> tuple[uuid.UUID, str] | None:
    if not token or len(token) > 512:
        return None
    try:
        value = signing.loads(token, salt=SALT, max_age=LINK_VALID)
        return uuid.UUID(str(value[0])), str(value[1])
    except (signing.BadSignature, ValueError, TypeError, IndexError, KeyError):
        return None


def find_confirmation(token: str) -> EmailConfirmation | None:
    """The open confirmation a link's token stands for, or None (forged, used, old, replaced)."""
    parsed = _parse(token)
    if parsed is None:
        return None
    pk, secret = parsed
    found = (
        EmailConfirmation.objects.select_related("person__customer", "person__user")
        .filter(pk=pk, confirmed_at__isnull=True, withdrawn_at__isnull=True)
        .filter(expires_at__gt=timezone.now())
        .first()
    )
    if found is None or not constant_time_compare(found.secret_digest, _digest(secret)):
        return None
    return found


def confirm_email(*, token: str) -> EmailConfirmation:
    """Follow a link: a new account's address is confirmed, or a new address becomes the
    person's. ValidationError when the link does not work (any more)."""
    found = find_confirmation(token)
    if found is None:
        raise ValidationError(INVALID_LINK)
    with transaction.atomic():
        confirmation = EmailConfirmation.objects.select_for_update().get(pk=found.pk)
        person = (
            Person.objects.select_for_update()
            .select_related("customer")
            .get(pk=confirmation.person_id)
        )
        if not confirmation.is_open:
            raise ValidationError(INVALID_LINK)
        if confirmation.purpose == ConfirmationPurpose.SIGNUP:
            _confirm_signup(confirmation, person)
        else:
            _confirm_change(confirmation, person)
        confirmation.confirmed_at = timezone.now()
        confirmation.save(update_fields=["confirmed_at"])
    return confirmation


def _requester(confirmation: EmailConfirmation, person: Person) -> Actor | None:
    """Who asked for the link: staff or the person's own login (as the history shows it)."""
    pk = user_pk(confirmation.actor_id)
    found = User.objects.filter(pk=pk).first() if pk is not None else None
    return found or person.user


def _confirm_signup(confirmation: EmailConfirmation, person: Person) -> None:
    if str(confirmation.email).casefold() != on_record(person.email).casefold():
        raise ValidationError(INVALID_LINK)
    person.email_confirmed_at = timezone.now()
    person.save(update_fields=["email_confirmed_at"])
    _confirmed(confirmation, person, person.user)


def _confirmed(confirmation: EmailConfirmation, person: Person, actor: Actor | None) -> None:
    if confirmation.purpose == ConfirmationPurpose.SIGNUP:
        log_client_event(
            customer=person.customer,
            event=ClientLogEvent.EMAIL_CONFIRMED,
            actor=actor,
            channel=confirmation.channel,
            person=person,
        )
    record_event(
        action="person.email_confirmed",
        actor=actor,
        subject_id=person.subject_id,
        purpose="security",
        obj=person,
        details={"purpose": confirmation.purpose, "confirmation": confirmation.pk},
    )


def _confirm_change(confirmation: EmailConfirmation, person: Person) -> None:
    address = on_record(confirmation.email)
    if not address or email_taken(address, person):
        raise ValidationError(ADDRESS_NOW_IN_USE)
    old = on_record(person.email)
    current = {name: str(getattr(person, name) or "") for name in PERSON_FIELDS}
    person.email_confirmed_at = timezone.now()
    actor = _requester(confirmation, person)
    apply_person_changes(
        person=person,
        clean={**current, "email": address},
        changed=["email"],
        current=current,
        actor=actor,
        channel=confirmation.channel,
    )
    _confirmed(confirmation, person, actor)
    if old:
        queue_message(subject_id=person.subject_id, to=old, kind=messages.EMAIL_CHANGED.key)


def confirm_address_on_record(*, user: User) -> bool:
    """A link sent to the address on record was followed (a password set from it): an address
    still awaiting confirmation is confirmed. Whether it was."""
    person = person_of(user)
    if person is None or not awaits_confirmation(person):
        return False
    person.email_confirmed_at = timezone.now()
    person.save(update_fields=["email_confirmed_at"])
    record_event(
        action="person.email_confirmed",
        actor=user,
        subject_id=person.subject_id,
        purpose="security",
        obj=person,
        details={"purpose": "password_link"},
    )
    return True


# --- signing in with an unconfirmed address --------------------------------------------------


def hold_unconfirmed_sign_in(*, request: HttpRequest, user: User) -> bool:
    """After the right password: True, and nothing signed in, when the login's address still
    awaits its link. The session remembers the login for :data:`HOLD`, so that its holder (who
    knows the password) may ask for a new link; nobody else learns anything."""
    person = person_of(user)
    if person is None or not awaits_confirmation(person):
        return False
    until = timezone.now() + HOLD
    request.session[UNCONFIRMED_LOGIN] = {"user": str(user.pk), "until": until.isoformat()}
    record_event(
        action="auth.address_unconfirmed",
        actor=None,
        subject_id=user.subject_id,
        purpose="security",
        obj=user,
    )
    return True


def held_login(request: HttpRequest) -> User | None:
    """The login sign-in held for want of a confirmed address, while the hold lasts."""
    held = request.session.get(UNCONFIRMED_LOGIN)
    if not isinstance(held, dict):
        return None
    try:
        until = dt.datetime.fromisoformat(str(held.get("until")))
        pk = uuid.UUID(str(held.get("user")))
    except ValueError:
        return None
    if until <= timezone.now():
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


# --- signups never confirmed -----------------------------------------------------------------


def pending_signups(*, opened_before: dt.datetime) -> QuerySet[Person]:
    return Person.objects.filter(
        role=PersonRole.OWNER,
        created_channel=Channel.ONLINE,
        email_confirmed_at__isnull=True,
        created_at__lt=opened_before,
    ).select_related("customer")


def delete_signup_rows(*, person: Person, actor: Actor, reason: str) -> uuid.UUID:
    """Delete a pending signup's account and login (in the caller's transaction); its subject's
    id, to shred once the transaction has committed (:func:`shred_signup`)."""
    if not is_pending_signup(person):
        raise ValueError("only an account whose address was never confirmed can be discarded")
    record_event(
        action="signup.discarded",
        actor=actor,
        subject_id=person.subject_id,
        obj=person.customer,
        details={"reason": reason},
    )
    user_id = person.user_id
    person.customer.delete()  # the person, log, history and confirmations with it
    if user_id is not None:
        User.objects.filter(pk=user_id).delete()
    return person.subject_id


def shred_signup(*, subject_id: uuid.UUID, actor: Actor, reason: str) -> None:
    """What remains of a discarded signup (consent and policy records) becomes unreadable."""
    shred_subject(subject=subject_id, actor=actor, reason=f"signup-{reason}")


def expire_unconfirmed_signups(cutoff: dt.datetime, dry_run: bool) -> int:
    """Discard signups opened before ``cutoff`` whose address was never confirmed; how many."""
    pending = list(pending_signups(opened_before=cutoff))
    if dry_run:
        return len(pending)
    for person in pending:
        with transaction.atomic():
            subject_id = delete_signup_rows(person=person, actor=RETENTION, reason="unconfirmed")
        shred_signup(subject_id=subject_id, actor=RETENTION, reason="unconfirmed")
    return len(pending)


UNCONFIRMED_SIGNUPS = ExtraRule(
    label="accounts.Customer",
    category="user.contact",
    period="unconfirmed_signups",
    expire=expire_unconfirmed_signups,
)
