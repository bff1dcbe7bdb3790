"""E-mail confirmation links in tests: read from the queued mail, followed as a browser does.

- ``queued_links()``: the confirmation links in the e-mail waiting for the worker, oldest first.
- ``follow(client, link)``: open the link (its token moves into the session), then press the
  page's button; the button's response.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.test import Client
from django.urls import reverse

from clientvault.messaging.models import Message, Status

CONFIRM_PATH = "/confirm-email/"


def queued_messages() -> list[dict[str, object]]:
    """The outbox's messages still waiting for the worker, oldest first: kind, to, context."""
    rows = Message.objects.filter(status=Status.QUEUED).order_by("queued_at")
    return [
        {"kind": r.kind, "to": str(r.to), "context": json.loads(str(r.context or "{}"))}
        for r in rows
    ]


def queued_links(to: str | None = None) -> list[str]:
    """Confirmation links queued (to ``to`` only, when given), oldest first."""
    links = []
    for message in queued_messages():
        context = message.get("context")
        link = str(context.get("link", "")) if isinstance(context, dict) else ""
        if CONFIRM_PATH in link and (to is None or message["to"] == to):
            links.append(link)
    return links


def path_of(link: str) -> str:
    return urlsplit(link).path


def follow(client: Client, link: str):  # type: ignore[no-untyped-def]
    """Open the link, then confirm on the page it leads to; the confirmation's response."""
    opened = client.get(path_of(link))
    assert opened.status_code == 302, f"the link did not open: {opened.status_code}"
    assert opened.url == reverse("accounts:email_confirm")
    return client.post(reverse("accounts:email_confirm"))
