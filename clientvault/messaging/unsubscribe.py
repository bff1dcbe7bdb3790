"""Unsubscribe tokens and the List-Unsubscribe headers (RFC 2369, RFC 8058).

Every message that needs consent (marketing, resellers' newsletters, partner offers) carries
``List-Unsubscribe`` with an HTTPS URL and a mailto: to the profile's opt-out address, and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click``. Both hold a token signed with
``SECRET_KEY`` (``django.core.signing``) that names one recipient's subject and one list (the
consent purpose): a POST to the URL withdraws that consent, without sign-in. A token altered in
any character fails its signature and changes nothing. It names a subject by its random id only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.urls import reverse

from clientvault.privacy.profile import current_profile
from clientvault.privacy.taxonomy import Purpose

SALT = "clientvault.messaging.unsubscribe"
# The lists a person can leave, by the consent each needs, as the pages name them.
LISTS: dict[str, str] = {
    Purpose.MARKETING: "news and offers by e-mail",
    Purpose.RESELLER_NEWSLETTER: "newsletters to resellers",
    Purpose.PARTNER_SHARING: "offers from our partners",
}


@dataclass(frozen=True)
class Ticket:
    """What a genuine token names."""

    subject_id: uuid.UUID
    purpose: str

    @property
    def list_name(self) -> str:
        return LISTS[self.purpose]


def make_token(*, subject_id: uuid.UUID, purpose: str) -> str:
    if purpose not in LISTS:
        raise ValueError(f"no list to leave for the purpose {purpose!r}")
    return signing.dumps([subject_id.hex, purpose], salt=SALT, compress=False)


def read_token(token: str) -> Ticket | None:
    """The recipient and list a token names; None for a forged, altered or malformed one."""
    try:
        value = signing.loads(token, salt=SALT)
        subject_hex, purpose = value
        ticket = Ticket(uuid.UUID(hex=str(subject_hex)), str(purpose))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return ticket if ticket.purpose in LISTS else None


def unsubscribe_url(token: str) -> str:
    return settings.CLIENTVAULT_SITE_URL + reverse("messaging:unsubscribe", args=[token])


def opt_out_address(purpose: str) -> str:
    profile = current_profile()
    if purpose == Purpose.RESELLER_NEWSLETTER:
        return profile.reseller_opt_out_address
    return profile.marketing_opt_out_address


def list_headers(*, subject_id: uuid.UUID, purpose: str) -> dict[str, str]:
    """The headers of one message of the list ``purpose`` to the subject."""
    token = make_token(subject_id=subject_id, purpose=purpose)
    targets = [f"<{unsubscribe_url(token)}>"]
    address = opt_out_address(purpose)
    if address:
        targets.append(f"<mailto:{address}?subject={quote('unsubscribe ' + token)}>")
    return {
        "List-Unsubscribe": ", ".join(targets),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
