"""A real DNS server for the tests (dnslib), serving TXT records, and DKIM keys to sign with.

- ``dns_server``: a fixture starting dnslib's ``DNSServer`` on UDP 127.0.0.1 at a free port and
  pointing ``CLIENTVAULT_DNS_SERVER`` at it; it yields a :class:`Zone` (``zone.txt(name,
  value)`` adds a record; names not in it are NXDOMAIN).
- ``dkim_key()``: a new RSA key pair, the private key as PEM and the public key as the value of
  a DKIM key record (``v=DKIM1; k=rsa; p=...``).
- ``sign(raw, key, domain=..., selector=...)``: the message with a DKIM-Signature added.
"""

from __future__ import annotations

import base64
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from dnslib import QTYPE, RCODE, RR, TXT
from dnslib.server import BaseResolver, DNSLogger, DNSServer

DOMAIN = "example.net"
SELECTOR = "sel"


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass
class Zone(BaseResolver):
    """The records the server answers with, by name (no trailing dot), TXT only."""

    records: dict[str, list[str]] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def txt(self, name: str, value: str) -> None:
        self.records.setdefault(name.rstrip(".").lower(), []).append(value)

    def resolve(self, request: Any, handler: Any) -> Any:
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        self.asked.append(name)
        if name not in self.records:
            reply.header.rcode = RCODE.NXDOMAIN
        elif request.q.qtype == QTYPE.TXT:
            for value in self.records[name]:
                chunks = [value[i : i + 255] for i in range(0, len(value), 255)]
                reply.add_answer(RR(request.q.qname, QTYPE.TXT, rdata=TXT(chunks), ttl=60))
        return reply


@contextmanager
def serving(resolver: BaseResolver, settings: Any) -> Iterator[None]:
    """``resolver`` answers on UDP 127.0.0.1 at a free port, CLIENTVAULT_DNS_SERVER names it."""
    port = free_udp_port()
    quiet = DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data", prefix=False)
    server = DNSServer(resolver, port=port, address="127.0.0.1", logger=quiet)
    server.start_thread()
    settings.CLIENTVAULT_DNS_SERVER = f"127.0.0.1:{port}"
    try:
        yield
    finally:
        server.stop()


@pytest.fixture
def dns_server(settings: Any) -> Iterator[Zone]:
    zone = Zone()
    with serving(zone, settings):
        yield zone


@dataclass(frozen=True)
class DkimKey:
    private_pem: bytes
    record: str  # the TXT record's value


def dkim_key() -> DkimKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return DkimKey(private, f"v=DKIM1; k=rsa; p={base64.b64encode(public).decode()}")


def publish(zone: Zone, key: DkimKey, *, domain: str = DOMAIN, selector: str = SELECTOR) -> None:
    zone.txt(f"{selector}._domainkey.{domain}", key.record)


def sign(raw: bytes, key: DkimKey, *, domain: str = DOMAIN, selector: str = SELECTOR) -> bytes:
    signature = dkim.sign(
        raw,
        selector.encode(),
        domain.encode(),
        key.private_pem,
        include_headers=[b"from", b"to", b"subject", b"message-id"],
    )
    return signature + raw
