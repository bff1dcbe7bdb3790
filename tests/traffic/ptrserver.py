"""A real DNS server (dnslib) answering reverse lookups, for the ingest tests.

``ptr_server``: a fixture serving PTR records on UDP 127.0.0.1 at a free port, with
``CLIENTVAULT_DNS_SERVER`` pointed at it; ``zone.name(address, host)`` adds a record, other
addresses are NXDOMAIN. ``silent_server``: a UDP port that receives and never answers.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from dnslib import PTR, QTYPE, RCODE, RR
from dnslib.server import BaseResolver

from tests.messaging.dnsserver import serving


@dataclass
class PtrZone(BaseResolver):
    records: dict[str, str] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def name(self, address: str, host: str) -> None:
        self.records[ipaddress.ip_address(address).reverse_pointer] = host

    def resolve(self, request: Any, handler: Any) -> Any:
        reply = request.reply()
        qname = str(request.q.qname).rstrip(".").lower()
        self.asked.append(qname)
        if qname in self.records and request.q.qtype == QTYPE.PTR:
            reply.add_answer(RR(request.q.qname, QTYPE.PTR, rdata=PTR(self.records[qname]), ttl=60))
        else:
            reply.header.rcode = RCODE.NXDOMAIN
        return reply


@pytest.fixture
def ptr_server(settings: Any) -> Iterator[PtrZone]:
    zone = PtrZone()
    with serving(zone, settings):
        yield zone


@pytest.fixture
def silent_server(settings: Any) -> Iterator[socket.socket]:
    """A DNS 'server' that takes every question and answers none."""
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sink.bind(("127.0.0.1", 0))
    settings.CLIENTVAULT_DNS_SERVER = f"127.0.0.1:{sink.getsockname()[1]}"
    try:
        yield sink
    finally:
        sink.close()
