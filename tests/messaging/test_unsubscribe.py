# ruff: noqa: F811  (pytest fixtures imported from mailutil and support)
"""Leaving a list from the message itself: List-Unsubscribe (RFC 2369) with one-click POST
(RFC 8058), a signed per-recipient, per-list token, and a page that asks before a GET acts."""

from __future__ import annotations

import json
import re
import urllib.request
from urllib.parse import unquote, urlsplit

import pytest
from django.core.signing import b64_encode
from django.test import Client

from clientvault.messaging.services.outbox import queue_message
from clientvault.messaging.unsubscribe import make_token
from clientvault.privacy.models import ConsentRecord, ConsentSource
from clientvault.privacy.services.consent import current_consent, grant_consent
from clientvault.privacy.taxonomy import Purpose
from tests.accounts.mailutil import deliver_mail, smtp_server  # noqa: F401
from tests.kernelapp.messages import NEWSLETTER, OFFER
from tests.messaging.support import ADDRESS, queue_notice, recipient  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def subscribed(subject, purpose=Purpose.MARKETING):
    grant_consent(subject=subject, purpose=purpose, source=ConsentSource.FORM, actor=None)
    return subject


def received_offer(subject, smtp_server, kind=OFFER):
    queue_message(subject_id=subject.id, to=ADDRESS, kind=kind.key)
    assert deliver_mail() == 1
    return smtp_server.wait_for(ADDRESS)


def https_target(message) -> str:
    targets = re.findall(r"<([^>]+)>", str(message["List-Unsubscribe"]))
    [url] = [t for t in targets if t.startswith("http")]
    return url


def test_a_provider_one_click_post_withdraws_the_consent(recipient, smtp_server):
    received = received_offer(subscribed(recipient), smtp_server)
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = https_target(received)
    response = Client().post(urlsplit(url).path, ONE_CLICK)  # no session, no CSRF token
    assert response.status_code == 200
    assert not current_consent(subject=recipient, purpose=Purpose.MARKETING)
    newest = ConsentRecord.objects.filter(subject=recipient).order_by("-at", "-id").first()
    assert (newest.granted, newest.source) == (False, ConsentSource.LINK)


def test_the_header_offers_a_mailto_to_the_opt_out_address_too(recipient, smtp_server):
    received = received_offer(subscribed(recipient), smtp_server)
    targets = re.findall(r"<([^>]+)>", str(received["List-Unsubscribe"]))
    [mailto] = [t for t in targets if t.startswith("mailto:")]
    assert mailto.startswith("mailto:optout@example.com?subject=")
    assert "unsubscribe " in unquote(mailto)


def test_a_newsletter_link_leaves_only_the_newsletter(recipient, smtp_server):
    subscribed(subscribed(recipient), Purpose.RESELLER_NEWSLETTER)
    url = https_target(received_offer(recipient, smtp_server, kind=NEWSLETTER))
    Client().post(urlsplit(url).path, ONE_CLICK)
    assert not current_consent(subject=recipient, purpose=Purpose.RESELLER_NEWSLETTER)
    assert current_consent(subject=recipient, purpose=Purpose.MARKETING)


def test_a_get_asks_first_and_changes_nothing(recipient, smtp_server):
    url = https_target(received_offer(subscribed(recipient), smtp_server))
    page = Client().get(urlsplit(url).path)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Stop receiving news and offers by e-mail?" in text
    assert "Messages about your account and services" in text  # service mail continues
    assert current_consent(subject=recipient, purpose=Purpose.MARKETING)


def test_a_second_post_records_nothing_more(recipient):
    subscribed(recipient)
    path = f"/unsubscribe/{make_token(subject_id=recipient.id, purpose=Purpose.MARKETING)}"
    Client().post(path, ONE_CLICK)
    Client().post(path, ONE_CLICK)
    refusals = ConsentRecord.objects.filter(subject=recipient, granted=False)
    assert refusals.count() == 1


def other_list(token: str, subject) -> str:
    """The token's payload changed to name another list, its signature kept."""
    signature = token.rsplit(":", 1)[1]
    payload = json.dumps([subject.id.hex, Purpose.RESELLER_NEWSLETTER], separators=(",", ":"))
    return f"{b64_encode(payload.encode()).decode()}:{signature}"


@pytest.mark.parametrize("change", ["altered", "cut", "other list"])
def test_a_forged_or_altered_token_is_refused_and_changes_nothing(recipient, change):
    subscribed(recipient)
    token = make_token(subject_id=recipient.id, purpose=Purpose.MARKETING)
    forged = {
        "altered": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "cut": token[: len(token) // 2],
        "other list": other_list(token, recipient),
    }[change]
    response = Client().post(f"/unsubscribe/{forged}", ONE_CLICK)
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    assert current_consent(subject=recipient, purpose=Purpose.MARKETING)


def test_a_service_notice_carries_no_unsubscribe_header(recipient, smtp_server):
    queue_notice(recipient)
    deliver_mail()
    assert smtp_server.wait_for(ADDRESS)["List-Unsubscribe"] is None


@pytest.mark.django_db(transaction=True, databases=["default", "keys"])
def test_a_provider_posting_over_http_to_the_live_site_unsubscribes(
    recipient, smtp_server, live_server
):
    url = https_target(received_offer(subscribed(recipient), smtp_server))
    request = urllib.request.Request(
        live_server.url + urlsplit(url).path,
        data=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    assert not current_consent(subject=recipient, purpose=Purpose.MARKETING)
