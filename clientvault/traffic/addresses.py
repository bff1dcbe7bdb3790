"""A client address as a log writes it, read into an address, and the key a pseudonym is made of.

Logs behind a proxy or load balancer may write ``203.0.113.7:51234`` or ``[2001:db8::1]:443``
(with the port) or ``198.51.100.4, 10.0.0.1`` (an X-Forwarded-For list, the client first): each
is read as the client's address. What cannot be read is described by its shape, never quoted,
so a report never prints an address.

An IPv6 client changes its address every few hours (privacy extensions), so it is known by its
/64 network: one phone is one visitor, not five, and five of its addresses never make a value
look seen by five people (USE-4).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _candidate(text: str) -> str:
    first = text.split(",", 1)[0].strip()
    if first.startswith("[") and "]" in first:  # [v6] or [v6]:port
        return first[1 : first.index("]")]
    if first.count(":") == 1:  # v4:port
        return first.split(":", 1)[0]
    return first


def read_address(text: str) -> Address | None:
    """The client address ``text`` names, or None."""
    try:
        address = ipaddress.ip_address(_candidate(text))
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped if mapped is not None else address


def read_addresses(texts: Iterable[str]) -> dict[str, Address | None]:
    return {text: read_address(text) for text in texts}


def pseudonym_key(address: Address) -> bytes:
    """What a pseudonym is made of: the address, or an IPv6 address's /64 network."""
    if isinstance(address, ipaddress.IPv6Address):
        return address.packed[:8]
    return address.packed


def shape(text: str) -> str:
    """What an unreadable address looks like, without quoting it."""
    if not text.strip() or text.strip() == "-":
        return "no client address"
    if any(c.isalpha() and c.lower() not in "abcdef" for c in text):
        return "a name, not an IP address"
    return f"not an IP address ({len(text)} characters)"
