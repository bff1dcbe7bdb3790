"""Checking a message's DKIM signature (RFC 6376) with dkimpy, its key found through DNS.

The key is looked up with dnspython: through the system's resolver, or the DNS server named by
``CLIENTVAULT_DNS_SERVER`` (ADDRESS:PORT). An unsigned message is not refused (many senders do
not sign), and neither is one whose signature fails: the result is recorded with what the
message did (in the consent record's reference, in the outcome). A key that cannot be found or
read, or a DNS server that does not answer, counts as a failed signature. dkimpy's own log
(which can quote the signature's identity, an address) is kept out of the application's logs.
"""

from __future__ import annotations

import logging
import re

import dkim
import dns.exception
import dns.rdatatype
import dns.resolver
from django.conf import settings

from clientvault.messaging.inbound.outcome import Dkim
from clientvault.messaging.inbound.parse import Inbound

TIMEOUT = 5.0  # seconds for the key's lookup
_quiet = logging.getLogger("clientvault.messaging.inbound.dkimpy")
_quiet.addHandler(logging.NullHandler())
_quiet.propagate = False


def resolver() -> dns.resolver.Resolver:
    server = settings.CLIENTVAULT_DNS_SERVER
    if not server:
        return dns.resolver.Resolver()
    host, _, port = server.rpartition(":")
    chosen = dns.resolver.Resolver(configure=False)
    chosen.nameservers = [host.strip("[]")]
    chosen.port = int(port)
    return chosen


def txt_record(name: bytes, timeout: float = TIMEOUT) -> bytes | None:
    """The TXT record at ``name`` (dkimpy's ``dnsfunc``); None when there is none."""
    try:
        answer = resolver().resolve(
            name.decode("ascii"), dns.rdatatype.TXT, lifetime=timeout, raise_on_no_answer=False
        )
    except (dns.resolver.NXDOMAIN, dns.resolver.NoNameservers, UnicodeDecodeError):
        return None
    except dns.exception.DNSException as error:
        raise dkim.DnsTimeoutError(type(error).__name__) from None
    for rrset in answer.response.answer:
        if rrset.rdtype == dns.rdatatype.TXT:
            return b"".join(next(iter(rrset)).strings)
    return None


def check_dkim(inbound: Inbound) -> str:
    """PASSED, FAILED or ABSENT for the message's first DKIM signature."""
    if "DKIM-Signature" not in inbound.message:
        return Dkim.ABSENT
    try:
        passed = dkim.verify(inbound.raw, logger=_quiet, dnsfunc=txt_record, timeout=TIMEOUT)
    except (dkim.DKIMException, dns.exception.DNSException, ValueError):
        return Dkim.FAILED
    return Dkim.PASSED if passed else Dkim.FAILED


_DOMAIN_TAG = re.compile(r"(?:^|;)\s*d\s*=\s*([^;\s]+)")


def signing_domain(inbound: Inbound) -> str:
    """The domain of the message's first DKIM signature (its ``d=`` tag), lower case; ""."""
    header = str(inbound.message.get("DKIM-Signature") or "")
    found = _DOMAIN_TAG.search(" ".join(header.split()))
    return found.group(1).lower().rstrip(".") if found else ""


def signed_by_sender(inbound: Inbound, dkim: str) -> bool:
    """Whether a passed signature vouches for the From address: signed by its domain or a
    parent of it (relaxed alignment, as DMARC has it). An unsigned message vouches for no one."""
    if dkim != Dkim.PASSED:
        return False
    domain = signing_domain(inbound)
    sender = inbound.sender.rpartition("@")[2].lower().rstrip(".")
    return bool(domain) and (sender == domain or sender.endswith(f".{domain}"))
