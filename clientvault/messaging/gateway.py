"""Handing a text message (SMS) to the gateway.

The worker POSTs ``{"to": "+E164", "text": "..."}`` as JSON to the gateway named by
``CLIENTVAULT_SMS_URL``, with ``Authorization: Bearer CLIENTVAULT_SMS_TOKEN`` when a token is
set. A redirect is never followed: the token and the text go to that URL only, and a 3xx answer
fails the attempt like any other error. Without a URL, development (``DEBUG``) keeps the message
in the development mailbox (:mod:`clientvault.messaging.mailbox`, never the log), and in
production no text is offered.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.conf import settings

from clientvault.messaging.mailbox import keep_text

GATEWAY_TIMEOUT = 10  # seconds


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


def send_text(*, to: str, text: str) -> None:
    """Hand one text to the gateway (in development without one: the mailbox)."""
    url = str(settings.CLIENTVAULT_SMS_URL)
    if url:
        post_to_gateway(url=url, token=str(settings.CLIENTVAULT_SMS_TOKEN), to=to, text=text)
    elif settings.DEBUG:
        keep_text(to=to, text=text)
    else:
        raise GatewayError("no SMS gateway is configured (set CLIENTVAULT_SMS_URL)")
