"""Where requests come in: the customer area and the API, the public form (a person without a
login, or an authorised agent), and staff entering a request made by telephone, letter or
e-mail (RGT-1, RGT-3).
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clientvault.privacy.actors import Actor
from clientvault.privacy.directory import Contact, Identity, directory
from clientvault.rights import messages
from clientvault.rights.models import AgentPermission, Channel, RightsRequest, Scope
from clientvault.rights.services.notices import date_text, kind_text, notify
from clientvault.rights.services.requests import Ask, check_ask, create_request
from clientvault.rights.services.verification import send_code

MAX_PERMISSION_BYTES = 5 * 1024 * 1024
# A permission is a PDF or an image, told by its first bytes, not by what the browser says.
SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}
STAFF_CHANNELS = (Channel.TELEPHONE, Channel.LETTER, Channel.EMAIL)


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes


def _tell_received(request: RightsRequest) -> None:
    context = {
        "kind": kind_text(request),
        "received": date_text(timezone.localdate(request.received_at)),
        "due": date_text(request.due_on),
    }
    notify(request=request, kind=messages.RECEIVED.key, context=context)


def whose(identity: Identity, subject_id: uuid.UUID | None) -> uuid.UUID:
    """The person a signed-in request concerns: oneself, or, with the privacy permission for
    the account, another person on it; anyone else is refused."""
    if subject_id is None or subject_id == identity.subject_id:
        return identity.subject_id
    on_account = {person[0] for person in identity.people}
    if subject_id not in on_account or not identity.may("privacy"):
        raise ValidationError({"person": "You may ask only about your own data."})
    return subject_id


def ask_as_customer(
    *,
    identity: Identity,
    ask: Ask,
    actor: Actor,
    channel: str = Channel.ACCOUNT,
    subject_id: uuid.UUID | None = None,
) -> RightsRequest:
    """A signed-in person asks (in the customer area or through the API)."""
    person = whose(identity, subject_id)
    if ask.scope == Scope.ACCOUNT and not identity.is_owner:
        raise ValidationError({"scope": "Only the account's owner can ask to erase the account."})
    on_record = directory().contact(person) or Contact(name="", email="")
    request = create_request(
        ask=ask,
        channel=channel,
        subject_id=person,
        given=on_record,
        actor=actor,
        account=identity.account,
    )
    _tell_received(request)
    return request


def check_upload(upload: Upload | None) -> str:
    """The permission's content type; a clear error for a missing, large or foreign file."""
    if upload is None or not upload.content:
        raise ValidationError({"permission": "Permission: attach the person's signed permission."})
    if len(upload.content) > MAX_PERMISSION_BYTES:
        raise ValidationError({"permission": "Permission: the file is larger than 5 MB."})
    for magic, content_type in SIGNATURES.items():
        if upload.content.startswith(magic):
            return content_type
    raise ValidationError({"permission": "Permission: attach a PDF, PNG or JPEG file."})


def ask_publicly(
    *,
    ask: Ask,
    person: Contact,
    actor: Actor | None,
    agent: Contact | None = None,
    permission: Upload | None = None,
) -> RightsRequest:
    """Someone without a login asks, for themselves or as an agent with a signed permission.

    A code goes to the address on record of the person whose name and e-mail address match,
    never to the one typed, and so do the person's own notices; the answer is the same
    whether anyone matched or not.
    """
    check_ask(ask)
    content_type = check_upload(permission) if agent is not None else ""
    if ask.scope == Scope.ACCOUNT:
        raise ValidationError({"scope": "Sign in to ask to erase a whole account."})
    matched = directory().match(name=person.name, email=person.email)
    on_record = directory().contact(matched) if matched is not None else None
    with transaction.atomic():
        request = create_request(
            ask=ask,
            channel=Channel.PUBLIC_FORM,
            subject_id=matched,
            given=agent or on_record or person,
            actor=actor,
            is_agent=agent is not None,
        )
        if permission is not None and agent is not None:
            _keep_permission(request, permission, content_type)
    # The one message a public request sends before it is verified.
    send_code(request=request, link=verify_link(request))
    return request


def verify_link(request: RightsRequest) -> str:
    """The page where a public request's code is typed: for the person, who may not be the one
    who filled in the form (an agent's request)."""
    return settings.CLIENTVAULT_SITE_URL + reverse("rights:public_verify", args=[request.pk])


def _keep_permission(request: RightsRequest, upload: Upload, content_type: str) -> None:
    holder = request.subject_id or request.requester_id
    row = AgentPermission(
        request=request,
        holder_id=holder,
        content_type=content_type,
        size=len(upload.content),
        uploaded_at=timezone.now(),
    )
    row.content = base64.b64encode(upload.content).decode()  # sealed for the row's UUID
    row.save()


def ask_for_caller(*, subject_id: uuid.UUID, channel: str, ask: Ask, actor: Actor) -> RightsRequest:
    """Staff enter a request made by telephone, letter or e-mail; the channel is recorded."""
    if channel not in STAFF_CHANNELS:
        raise ValidationError({"channel": "Channel: telephone, letter or e-mail."})
    return _ask_for_person(subject_id=subject_id, channel=channel, ask=ask, actor=actor)


def ask_through_ticket(
    *, subject_id: uuid.UUID, kind: str, ticket: str, actor: Actor
) -> RightsRequest:
    """A person on an account asked in a support ticket; staff pass it on from the ticket. The
    ticket's number goes into the note, so the privacy team can read what was asked."""
    ask = Ask(kind=kind, note=f"Asked in support ticket {ticket}.")
    return _ask_for_person(subject_id=subject_id, channel=Channel.TICKET, ask=ask, actor=actor)


def _ask_for_person(
    *, subject_id: uuid.UUID, channel: str, ask: Ask, actor: Actor
) -> RightsRequest:
    on_record = directory().contact(subject_id)
    if on_record is None:
        raise ValidationError({"person": "No person with an address on record was found."})
    account = directory().account_of(subject_id) or ""
    request = create_request(
        ask=ask,
        channel=channel,
        subject_id=subject_id,
        given=on_record,
        actor=actor,
        account=account,
    )
    _tell_received(request)
    return request
