"""Which of the operator's mailboxes a message was sent to, and what each stands for.

The policy profile names the opt-out addresses: the marketing one withdraws marketing (and
partner offers, where the profile offers partner sharing); the resellers' one withdraws the
resellers' newsletter. When both are one address, mail to it withdraws all of them. The bounce
address (``CLIENTVAULT_BOUNCE_ADDRESS``) takes delivery and abuse reports. Apps above
messaging add their own mailboxes (support's address) through :mod:`.mailboxes`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from clientvault.messaging.inbound.mailboxes import mailbox_for
from clientvault.privacy.profile import current_profile
from clientvault.privacy.taxonomy import Purpose


def _same(address: str, mailbox: str) -> bool:
    return bool(mailbox) and address.strip().lower() == mailbox.strip().lower()


def purposes_of(address: str) -> set[str]:
    """The consents a message to ``address`` withdraws; empty for any other address."""
    profile = current_profile()
    purposes: set[str] = set()
    if _same(address, profile.marketing_opt_out_address):
        purposes.add(Purpose.MARKETING)
        if profile.partners != "never":
            purposes.add(Purpose.PARTNER_SHARING)
    if _same(address, profile.reseller_opt_out_address):
        purposes.add(Purpose.RESELLER_NEWSLETTER)
    return purposes


def opt_out_purposes(recipients: Iterable[str]) -> set[str]:
    return {purpose for address in recipients for purpose in purposes_of(address)}


def is_bounce_address(address: str) -> bool:
    return _same(address, settings.CLIENTVAULT_BOUNCE_ADDRESS)


def is_ours(address: str) -> bool:
    """Whether the listener takes mail for ``address``: an opt-out or the bounce address, or
    a registered mailbox's."""
    return (
        is_bounce_address(address) or bool(purposes_of(address)) or mailbox_for(address) is not None
    )
