"""Outgoing e-mail, queued as a background job in the caller's transaction.

``queue_email`` renders nothing yet: it seals the message (address, subject, template name and
context) with a key derived from ``SECRET_KEY`` and enqueues :func:`send_email` with that
sealed text only. The job table (``DBTaskResult.args_kwargs``) therefore
never holds an address or a reset link in clear, and a message is sent only if the transaction
that queued it commits. The worker opens it, renders the template and sends it.

Every queued message carries a random ``id`` inside the sealed payload; the worker claims a
:class:`~clientvault.accounts.models.Delivery` under it, so a job run twice sends at most once. Text
messages (:mod:`clientvault.accounts.texts`) are sealed and identified the same way
(:mod:`clientvault.accounts.delivery`).
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import cast

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django_tasks import task

from clientvault.accounts.delivery import deliver_once
from clientvault.accounts.models.deliveries import DeliveryKind
from clientvault.privacy import crypto
from clientvault.privacy.profile import current_profile

_SALT = "clientvault.accounts.mail"
_AAD = b"clientvault queued e-mail v1"


class MailError(Exception):
    """A queued message could not be opened (the secret key changed since it was queued)."""


def _key(secret: str) -> bytes:
    return salted_hmac(_SALT, "payload key", secret=secret, algorithm="sha256").digest()


def seal_message(message: dict[str, object]) -> str:
    blob = crypto.seal(_key(settings.SECRET_KEY), json.dumps(message).encode(), _AAD)
    return base64.urlsafe_b64encode(blob).decode()


def open_message(sealed: str) -> dict[str, object]:
    blob = base64.urlsafe_b64decode(sealed.encode())
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        try:
            return cast(dict[str, object], json.loads(crypto.unseal(_key(secret), blob, _AAD)))
        except crypto.SealError:
            continue
    raise MailError("a queued e-mail cannot be opened: the secret key changed since it was queued")


def new_message_id() -> str:
    """A random id for one queued message, made when it is queued."""
    return uuid.uuid4().hex


def message_id_of(message: dict[str, object]) -> str:
    """The id the message was queued with (every queued message has one)."""
    found = message.get("id")
    if not isinstance(found, str) or not found:
        raise MailError(
            "a queued message has no id: it was not queued by queue_email or queue_text"
        )
    return found


def queue_email(
    *, to: str, subject: str, template: str, context: dict[str, str], message_id: str = ""
) -> None:
    """Enqueue one plain-text e-mail to ``to``; sent by the worker once the transaction commits.

    ``message_id`` (default: a new random one) is what a send is claimed under: a job that
    queues the same message again gives the id it was first queued with, so it goes out once.
    """
    message: dict[str, object] = {
        "id": message_id or new_message_id(),
        "to": to,
        "subject": subject,
        "template": template,
        "context": dict(context),
    }
    send_email.enqueue(sealed=seal_message(message))


def deliver(message: dict[str, object]) -> None:
    """Render and send one opened message (the worker calls this)."""
    profile = current_profile()
    context = {
        "operator_name": profile.operator_name,
        "support_email": profile.support_email,
        "support_phone": profile.support_phone_display,
        **_context(message),
    }
    body = render_to_string(str(message["template"]), context)
    EmailMessage(
        subject=str(message["subject"]),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[str(message["to"])],
    ).send()


def _context(message: dict[str, object]) -> dict[str, str]:
    context = message.get("context")
    if not isinstance(context, dict):
        return {}
    return {str(k): str(v) for k, v in context.items()}


@task()
def send_email(sealed: str) -> dict[str, int]:
    """Open and send one message queued by :func:`clientvault.accounts.mail.queue_email`."""
    message = open_message(sealed)
    sent = deliver_once(
        message_id=message_id_of(message),
        kind=DeliveryKind.EMAIL,
        send=lambda: deliver(message),
    )
    return {"sent": int(sent)}
