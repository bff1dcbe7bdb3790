"""Mailboxes that apps above messaging take mail for (a hook: messaging imports none of them).

An app registers a :class:`Mailbox` in its ``AppConfig.ready``: a name, a callable giving its
addresses (read at each message, so a changed policy profile applies at once) and ``take``, which
acts on a message sent to it and returns the outcome's :class:`~.outcome.Action`. The listener
then accepts those addresses at RCPT, and :func:`~.receive.receive` hands the message to
``take`` inside its transaction (one per message): a MailRejected raised there refuses the
message with its SMTP reply, having changed nothing.

With ``subaddresses`` the mailbox also takes ``local+detail@domain`` for each of its addresses
(RFC 5233): a reply address can carry a detail, such as a secret naming a conversation, that
``take`` reads back with :meth:`Mailbox.details`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from clientvault.messaging.inbound.parse import Inbound

Take = Callable[[Inbound, str], str]  # (the message, its DKIM result) -> an Action


@dataclass(frozen=True)
class Mailbox:
    name: str
    addresses: Callable[[], Iterable[str]]
    take: Take
    subaddresses: bool = False

    def _own(self) -> list[tuple[str, str]]:
        """Each address as (local part, domain), lower case."""
        parts = (a.strip().lower().rpartition("@") for a in self.addresses() if "@" in a)
        return [(local, domain) for local, _, domain in parts if local and domain]

    def detail_of(self, address: str) -> str | None:
        """The detail of ``address`` to this mailbox ("" for a plain address); None when the
        address is not this mailbox's."""
        local, _, domain = address.strip().lower().rpartition("@")
        for own_local, own_domain in self._own():
            if domain != own_domain:
                continue
            if local == own_local:
                return ""
            if self.subaddresses and local.startswith(own_local + "+"):
                return local.removeprefix(own_local + "+")
        return None

    def takes(self, address: str) -> bool:
        return self.detail_of(address) is not None

    def details(self, recipients: Iterable[str]) -> tuple[str, ...]:
        """The non-empty details of the recipients addressed to this mailbox, in order."""
        found = (self.detail_of(address) for address in recipients)
        return tuple(detail for detail in found if detail)


_mailboxes: dict[str, Mailbox] = {}


def register_mailbox(mailbox: Mailbox) -> None:
    """Take mail for ``mailbox`` (registered again under its name, it replaces the first)."""
    _mailboxes[mailbox.name] = mailbox


def unregister_mailbox(name: str) -> None:
    _mailboxes.pop(name, None)


def mailbox_for(address: str) -> Mailbox | None:
    """The registered mailbox that takes ``address``; None when none does."""
    return next((m for m in _mailboxes.values() if m.takes(address)), None)


def mailbox_of(recipients: Iterable[str]) -> Mailbox | None:
    """The mailbox of the first recipient that one takes."""
    return next((m for m in map(mailbox_for, recipients) if m is not None), None)
