"""Delivering one queued message: claim, check, render, hand over, record. Idempotent.

The job (:func:`deliver_message`) first claims the row: one conditional ``UPDATE`` moves it from
queued or retrying to sending, so of two workers given the same message one sends and the other
finds nothing to do. A claim left ``sending`` longer than ``LEASE`` (its worker died, perhaps
after the mail server took the message) is claimed again by the hourly
:func:`resume_stalled_messages` and sent with the same Message-ID, which receiving servers use
to keep a single copy.

Consent is checked here, when the message leaves, not when it was queued: someone who withdrew
a second before gets nothing. So are the address's suppression (a bounce, a complaint), a code's
expiry and the subject's erasure. The hand-over runs outside any transaction, so no database
lock waits on the mail server. A refusal for the recipient (SMTP 5xx to RCPT) is a bounce: the
address is suppressed for what needs consent. A temporary failure (4xx, refused connection,
timeout) is tried again later (``RETRY_DELAYS``), then given up. ``last_error`` names the code
and the step, never the server's text, which may quote the address.
"""

from __future__ import annotations

import json
import smtplib
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from clientvault.messaging.gateway import GatewayError, send_text
from clientvault.messaging.kinds import get_kind
from clientvault.messaging.models import (
    CLAIMABLE,
    Channel,
    Message,
    SkipReason,
    Status,
    Suppression,
    SuppressionReason,
)
from clientvault.messaging.render import Copy, Rendered, render
from clientvault.messaging.unsubscribe import list_headers
from clientvault.privacy import vault
from clientvault.privacy.services.consent import current_consent

LEASE = timedelta(minutes=15)
RETRY_DELAYS = {
    Channel.EMAIL: (
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=6),
    ),
    # A text carries a code that outlives none of these by much.
    Channel.TEXT: (timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2)),
}


class TryAgain(Exception):
    """The hand-over failed for now (4xx, no connection, a timeout)."""


class Refused(Exception):
    """The recipient's address was refused for good (SMTP 5xx to RCPT)."""


class Undeliverable(Exception):
    """The mail server refused the message for a reason that a retry will not change."""


def claim(message_id: str, *, now: datetime | None = None) -> Message | None:
    """Take the message for sending; None when another run has it or it is done."""
    now = now or timezone.now()
    stalled = Q(status=Status.SENDING, claimed_at__lt=now - LEASE)
    rows = Message.objects.filter(Q(status__in=CLAIMABLE) | stalled, pk=message_id)
    if not rows.update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1):
        return None
    return Message.objects.select_related("subject", "campaign").get(pk=message_id)


def skip_reason(message: Message) -> str:
    """Why the message must not leave now; "" when it may."""
    if message.valid_until is not None and message.valid_until <= timezone.now():
        return SkipReason.EXPIRED
    if isinstance(message.to, vault.Erased) or not message.to:
        return SkipReason.ERASED
    if not message.purpose:
        return ""
    if not current_consent(subject=message.subject, purpose=message.purpose):
        return SkipReason.NO_CONSENT
    if Suppression.objects.filter(address_index=message.to_index).exists():
        return SkipReason.SUPPRESSED
    return ""


def _copy(message: Message) -> Copy | None:
    campaign = message.campaign
    return Copy(campaign.headline, campaign.body) if campaign is not None else None


def _values(message: Message) -> dict[str, str]:
    loaded = json.loads(str(message.context or "{}"))
    return {str(k): str(v) for k, v in loaded.items()}


def hand_over(message: Message, rendered: Rendered) -> None:
    """Send by e-mail or text; TryAgain, Refused or Undeliverable when it did not go."""
    if message.channel == Channel.TEXT:
        try:
            send_text(to=str(message.to), text=rendered.text)
        except GatewayError as error:
            raise TryAgain(str(error)) from None
        return
    # From: the operator; the envelope sender (Return-Path): the bounce address, where
    # delivery reports come back to ``clientvault mail serve``.
    headers = {"Message-ID": message.header_id, "From": settings.DEFAULT_FROM_EMAIL}
    if message.purpose:  # a list the recipient can leave in one click
        headers |= list_headers(subject_id=message.subject_id, purpose=message.purpose)
    headers |= rendered.headers  # Reply-To, Auto-Submitted, as the kind declares them
    email = EmailMultiAlternatives(
        subject=rendered.headline,
        body=rendered.text,
        from_email=settings.CLIENTVAULT_BOUNCE_ADDRESS,
        to=[str(message.to)],
        headers=headers,
    )
    email.attach_alternative(rendered.html, "text/html")
    _send_mail(email)


def _send_mail(email: EmailMultiAlternatives) -> None:
    try:
        email.send()
    except smtplib.SMTPRecipientsRefused as error:
        code = min((int(c) for c, _ in error.recipients.values()), default=0)
        if code >= 500:
            raise Refused(f"SMTP {code}: the recipient was refused") from None
        raise TryAgain(f"SMTP {code}: the recipient was deferred") from None
    except smtplib.SMTPResponseException as error:
        if 500 <= error.smtp_code < 600:
            raise Undeliverable(f"SMTP {error.smtp_code}: the message was refused") from None
        raise TryAgain(f"SMTP {error.smtp_code}: the server deferred the message") from None
    except (smtplib.SMTPException, OSError) as error:
        raise TryAgain(_connection_problem(error)) from None


def _connection_problem(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "the mail server did not answer in time"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "the mail server closed the connection"
    return "the mail server could not be reached"


def _finish(message: Message, status: str, **changes: Any) -> bool:
    """Move the claimed message to ``status``, unless its claim was taken over meanwhile."""
    now = timezone.now()
    if status != Status.RETRYING:
        changes.setdefault("finished_at", now)
        changes["context"] = ""
    for name, value in changes.items():
        setattr(message, name, value)
    message.status = status
    with transaction.atomic():
        rows = Message.objects.select_for_update().filter(
            pk=message.pk, status=Status.SENDING, claimed_at=message.claimed_at
        )
        if not list(rows.values_list("pk", flat=True)):
            return False
        message.save(update_fields=["status", *changes])
    return True


def _retry(message: Message, problem: str) -> None:
    delays = RETRY_DELAYS[Channel(message.channel)]
    if message.attempts > len(delays):
        _finish(message, Status.FAILED, last_error=problem[:200])
        return
    with transaction.atomic():
        if _finish(message, Status.RETRYING, last_error=problem[:200]):
            later = deliver_message.using(run_after=timezone.now() + delays[message.attempts - 1])
            later.enqueue(message_id=str(message.pk))


def _bounce(message: Message, problem: str) -> None:
    with transaction.atomic():
        _finish(message, Status.BOUNCED, last_error=problem[:200])
        suppress(address_index=message.to_index, reason=SuppressionReason.BOUNCE)


def suppress(*, address_index: str | None, reason: str) -> None:
    """Stop what needs consent going to the address (by its blind index)."""
    if address_index:
        Suppression.objects.get_or_create(
            address_index=address_index, defaults={"reason": reason, "at": timezone.now()}
        )


def _made(message: Message) -> tuple[Rendered, Rendered] | None:
    """The message to send and the copy to keep; None when it cannot be made (an unknown kind,
    a template that breaks): it is then given up, never sent half-made."""
    try:
        kind, values, copy = get_kind(message.kind), _values(message), _copy(message)
        rendered = render(kind, values, copy=copy)
        kept = render(kind, values, withhold=True, copy=copy) if kind.secrets else rendered
        return rendered, kept
    except Exception as error:
        problem = f"the message could not be made ({type(error).__name__})"
        _finish(message, Status.FAILED, last_error=problem)
        return None


def deliver(message: Message) -> str:
    """Check, render, hand over and record one claimed message; its new status."""
    reason = skip_reason(message)
    if reason:
        _finish(message, Status.SKIPPED, skip_reason=reason)
        return Status.SKIPPED
    made = _made(message)
    if made is None:
        return Status.FAILED
    rendered, kept = made
    try:
        hand_over(message, rendered)
    except TryAgain as problem:
        _retry(message, str(problem))
        return str(message.status)
    except Refused as problem:
        _bounce(message, str(problem))
        return Status.BOUNCED
    except Undeliverable as problem:
        _finish(message, Status.FAILED, last_error=str(problem)[:200])
        return Status.FAILED
    _finish(message, Status.SENT, sent_at=timezone.now(), headline=kept.headline, body=kept.text)
    return Status.SENT


@task()
def deliver_message(message_id: str) -> dict[str, str]:
    """Deliver one outbox message (queued by ``messaging.services.outbox.queue_message``).

    Run twice, it sends once: the second run finds the message claimed or done. Returns the
    outcome, never the address or the text.
    """
    message = claim(message_id)
    if message is None:
        return {"status": "not claimed"}
    return {"status": deliver(message)}


@task()
def resume_stalled_messages(period: str = "") -> dict[str, int]:
    """Queue delivery again for messages whose worker died mid-send (claimed past ``LEASE``)."""
    since = timezone.now() - LEASE
    stalled = Message.objects.filter(status=Status.SENDING, claimed_at__lt=since)
    ids = list(stalled.values_list("pk", flat=True)[:10_000])
    for pk in ids:
        deliver_message.enqueue(message_id=str(pk))
    return {"queued": len(ids)}
