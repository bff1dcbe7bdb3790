"""Reverse lookups of visitors' addresses, keeping only the registrable domain of the name.

"dsl-81-2-69-160.pool.example-isp.co.uk" becomes "example-isp.co.uk": the visitor's ISP, which
is all the figures show (COL-10). Lookups run concurrently, once per distinct address, with a
short timeout; an address whose lookup times out is counted and skipped, never waited on again,
and once 16 in a row time out the rest are skipped at once, so a DNS server that is dead, or
dies midway, holds a run up by a second or two. The answers live in memory for the run only:
a cache on disk would be a list of addresses. Every address is asked of the DNS server set by
``CLIENTVAULT_DNS_SERVER`` (or the system's resolver): use a resolver of your own network, or
turn lookups off (``[traffic] reverse_lookups = false`` or ``--no-lookups``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache

import dns.exception
import dns.resolver
import dns.reversename
from publicsuffixlist import PublicSuffixList

TIMEOUT = 1.0
WORKERS = 32
GIVE_UP_AFTER = 16  # timeouts in a row: the server is not there (any more)


@lru_cache(maxsize=1)
def _suffixes() -> PublicSuffixList:
    return PublicSuffixList()  # the list the package ships; never fetched


def registrable_domain(name: str) -> str | None:
    """The registrable domain (public suffix plus one label) of a host name, or None."""
    name = name.rstrip(".").lower()
    return _suffixes().privatesuffix(name) if name else None


def _resolver(server: str) -> dns.resolver.Resolver:
    if not server:
        return dns.resolver.Resolver()
    chosen = dns.resolver.Resolver(configure=False)
    address, port = server.rsplit(":", 1)
    chosen.nameservers, chosen.port = [address.strip("[]")], int(port)
    return chosen


@dataclass
class Lookups:
    """The ISP domain of each address looked up, and how many lookups were skipped."""

    domains: dict[str, str | None] = field(default_factory=dict)
    skipped: int = 0
    gave_up: bool = False


def _one(resolver: dns.resolver.Resolver, address: str) -> tuple[str | None, bool]:
    """(the ISP domain or None, whether the lookup timed out)."""
    try:
        name = dns.reversename.from_address(address)
        answer = resolver.resolve(name, "PTR", lifetime=TIMEOUT, raise_on_no_answer=False)
    except dns.exception.Timeout:
        return None, True
    except (dns.exception.DNSException, ValueError):
        return None, False
    names = [str(record.target) for record in answer] if answer.rrset else []
    return (registrable_domain(names[0]) if names else None), False


def look_up(
    addresses: Iterable[ipaddress.IPv4Address | ipaddress.IPv6Address], *, server: str
) -> Lookups:
    """Reverse lookups of ``addresses`` through ``server`` ("" = the system's resolver).

    The lookups stop, the rest counted as skipped, once ``GIVE_UP_AFTER`` in a row time out
    (a server that died midway), or at once when no resolver can be set up.
    """
    pending = [str(address) for address in addresses if _has_name(address)]
    try:
        resolver = _resolver(server)
    except (ValueError, dns.exception.DNSException):  # no port, no resolv.conf, ...
        return Lookups(skipped=len(pending), gave_up=True)
    found, streak = Lookups(), 0
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        answers = pool.map(lambda address: _one(resolver, address), pending)
        for address, (domain, timed_out) in zip(pending, answers, strict=False):
            found.domains[address] = domain
            found.skipped += timed_out
            streak = streak + 1 if timed_out else 0
            if streak >= GIVE_UP_AFTER:
                found.gave_up = True
                pool.shutdown(wait=False, cancel_futures=True)
                break
    found.skipped += len(pending) - len(found.domains)
    return found


def _has_name(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return not (
        address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_unspecified
    )
