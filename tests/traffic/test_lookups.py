# ruff: noqa: F811  (pytest fixtures imported from tests.traffic.ptrserver)
"""Reverse lookups keep only the registrable domain (the ISP), are asked once per address, and a
DNS server that never answers costs a second or two, not the run (COL-10)."""

from __future__ import annotations

import pytest

from clientvault.traffic import resolve
from clientvault.traffic.models import Batch, DayFigure, Dimension
from tests.traffic.logs import ingest, line, write
from tests.traffic.ptrserver import ptr_server, silent_server  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
ADDRESSES = [f"81.2.69.{n}" for n in range(1, 7)]


def test_only_the_registrable_domain_of_the_name_is_kept(ptr_server, tmp_path):
    for n, address in enumerate(ADDRESSES):
        ptr_server.name(address, f"host-{n}.pool.example-isp.co.uk")
    lines = [line(a, minutes=m) for a in ADDRESSES for m in (0, 1)]
    ingest(str(write(tmp_path, "a.log", lines)), "--site", "s.example", "--lookups")
    isps = dict(DayFigure.objects.filter(dimension=Dimension.ISP).values_list("value", "visitors"))
    assert isps == {"example-isp.co.uk": 6}
    assert len(ptr_server.asked) == 6  # once per address, not per line


def test_a_server_that_never_answers_is_given_up_and_counted(silent_server, tmp_path):
    lines = [line(f"81.2.{n // 250}.{n % 250 + 1}") for n in range(40)]
    out = ingest(str(write(tmp_path, "a.log", lines)), "--site", "s.example", "--lookups")
    assert "reverse lookups stopped: the DNS server did not answer (40 addresses skipped)" in out
    assert Batch.objects.get().lookups_skipped == 40
    assert Batch.objects.get().accepted == 40


def test_unnamed_addresses_count_as_no_name(ptr_server, tmp_path):
    lines = [line(a) for a in ADDRESSES[:5]]
    ingest(str(write(tmp_path, "a.log", lines)), "--site", "s.example", "--lookups")
    isps = dict(DayFigure.objects.filter(dimension=Dimension.ISP).values_list("value", "hits"))
    assert isps == {"-": 5}


@pytest.mark.parametrize(
    ("name", "domain"),
    [
        ("dsl-1.pool.bt.co.uk.", "bt.co.uk"),
        ("p5dd1a2b3.dip0.t-ipconnect.de", "t-ipconnect.de"),
        ("crawl-66-249-66-1.googlebot.com", "googlebot.com"),
        ("co.uk", None),
    ],
)
def test_registrable_domains(name, domain):
    assert resolve.registrable_domain(name) == domain
