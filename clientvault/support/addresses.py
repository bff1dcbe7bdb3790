"""The support address, and each ticket's reply address.

The support address is the policy profile's ``[support] email``. A ticket's mail goes out with
the reply address ``<local>+<reply token>@<domain>`` (RFC 5233 subaddressing of the support
address) as its Reply-To: an answer by e-mail names the ticket through the token, a secret
that only the ticket's mail carries, so a ticket's number (which its owner may show anyone) is
never enough to write into it.
"""

from __future__ import annotations

from clientvault.privacy.profile import current_profile
from clientvault.support.models import Ticket


def support_addresses() -> list[str]:
    address = current_profile().support_email.strip()
    return [address] if "@" in address else []


def reply_address(ticket: Ticket) -> str:
    """The address a reply to ``ticket``'s mail goes to; "" when there is no support address."""
    addresses = support_addresses()
    if not addresses:
        return ""
    local, _, domain = addresses[0].rpartition("@")
    return f"{local}+{ticket.reply_token}@{domain}".lower()
