"""Outgoing text messages (SMS), queued as a background job in the caller's transaction.

``queue_text`` seals the number and the text with the e-mail sealing of
:mod:`clientvault.accounts.mail` and enqueues :func:`send_text`, so
the job table never holds a number or a code in clear and nothing is sent unless the
transaction that queued it commits. The worker POSTs ``{"to": "+E164", "text": "..."}`` as JSON
to the gateway named by ``CLIENTVAULT_SMS_URL``, with ``Authorization: Bearer
CLIENTVAULT_SMS_TOKEN`` when a token is set. A redirect is never followed: the token and the
text go to that URL only, and a 3xx answer fails the attempt like any other error. Without a
URL, development (``DEBUG``) keeps the message in the development mailbox
(:mod:`clientvault.accounts.mailbox`, never the log), and in production no text is offered.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from clientvault.accounts.delivery import deliver_once
from clientvault.accounts.mail import message_id_of, new_message_id, open_message, seal_message
from clientvault.accounts.mailbox import keep_text
from clientvault.accounts.models.deliveries import DeliveryKind

GATEWAY_TIMEOUT = 10  # seconds
# When a failed text is tried again; a code outlives none of these by much, so three suffice.
RETRY_DELAYS = (timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2))


class GatewayError(Exception):
    """The SMS gateway refused the message or did not answer. The message never names the
    number, the text or the gateway's address."""


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """Follow no redirect: urllib would resend as a GET, with the bearer token, to whatever
    host (even plain http) the answer names. Returning None leaves the 3xx an HTTPError."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_RefuseRedirects)


def texts_available() -> bool:
    """Whether a text message can be sent: a gateway is configured, or this is development."""
    return bool(settings.CLIENTVAULT_SMS_URL) or bool(settings.DEBUG)


def queue_text(*, to: str, text: str, valid_until: datetime | None = None) -> None:
    """Enqueue one text to ``to`` (E.164); ``valid_until``: not worth sending after that."""
    message: dict[str, object] = {"id": new_message_id(), "to": to, "text": text}
    if valid_until is not None:
        message["valid_until"] = valid_until.isoformat()
    send_text.enqueue(sealed=seal_message(message))


def is_stale(message: dict[str, object]) -> bool:
    """Whether the text's content (a code) expired before the worker got to it."""
    until = message.get("valid_until")
    if not isinstance(until, str):
        return False
    return datetime.fromisoformat(until) <= timezone.now()


def post_to_gateway(*, url: str, token: str, to: str, text: str) -> None:
    """POST one message as JSON; GatewayError unless the gateway answers 2xx (a redirect is
    refused, not followed)."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps({"to": to, "text": text}).encode()
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _OPENER.open(request, timeout=GATEWAY_TIMEOUT) as response:
            status = int(response.status)
    except urllib.error.HTTPError as error:
        raise GatewayError(_answered(error.code)) from None
    except (OSError, ValueError):  # URLError, refused, timed out, malformed answer
        raise GatewayError("the SMS gateway could not be reached") from None
    if not 200 <= status < 300:
        raise GatewayError(_answered(status))


def _answered(status: int) -> str:
    if 300 <= status < 400:
        return f"the SMS gateway answered HTTP {status}, a redirect, which is not followed"
    return f"the SMS gateway answered HTTP {status}"


def send_text_message(message: dict[str, object]) -> None:
    """Hand one opened message to the gateway (the worker calls this)."""
    to, text = str(message["to"]), str(message["text"])
    url = str(settings.CLIENTVAULT_SMS_URL)
    if url:
        post_to_gateway(url=url, token=str(settings.CLIENTVAULT_SMS_TOKEN), to=to, text=text)
    elif settings.DEBUG:
        keep_text(to=to, text=text)
    else:
        raise GatewayError("no SMS gateway is configured (set CLIENTVAULT_SMS_URL)")


@task()
def send_text(sealed: str, attempt: int = 1) -> dict[str, int]:
    """Open and send one text queued by :func:`clientvault.accounts.texts.queue_text`.

    A gateway error fails this job and queues the next attempt (``RETRY_DELAYS``); a text whose
    code expired meanwhile is dropped.
    """
    message = open_message(sealed)
    if is_stale(message):
        return {"sent": 0, "stale": 1}
    try:
        sent = deliver_once(
            message_id=message_id_of(message),
            kind=DeliveryKind.TEXT,
            send=lambda: send_text_message(message),
        )
    except GatewayError:
        _retry_text(sealed, attempt)
        raise
    return {"sent": int(sent)}


def _retry_text(sealed: str, attempt: int) -> None:
    if attempt > len(RETRY_DELAYS):
        return
    later = send_text.using(run_after=timezone.now() + RETRY_DELAYS[attempt - 1])
    later.enqueue(sealed=sealed, attempt=attempt + 1)
