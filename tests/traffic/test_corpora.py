"""The two real corpora give GoAccess's bandwidth to the byte, and the elastic corpus's one
truncated line is accepted and reported, every time (COL-11)."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from clientvault.traffic.models import Batch, HourTotal
from tests.traffic.logs import ELASTIC, HACKERS, ingest

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def _totals() -> dict[str, int]:
    return HourTotal.objects.aggregate(
        hits=Sum("hits"),
        bytes=Sum("bytes"),
        s2=Sum("status_2xx"),
        s3=Sum("status_3xx"),
        s4=Sum("status_4xx"),
        s5=Sum("status_5xx"),
    )


def test_the_elastic_corpus_gives_goaccess_bandwidth_and_status_classes():
    out = ingest(str(ELASTIC), "--site", "semicomplete.example")
    assert "10,000 lines (combined): 10,000 accepted, 0 refused" in out
    assert _totals() == {
        "hits": 10_000,
        "bytes": 2_747_282_740,
        "s2": 9171,
        "s3": 609,
        "s4": 217,
        "s5": 3,
    }


def test_the_truncated_line_is_accepted_and_named_by_its_number_every_time():
    first = ingest(str(ELASTIC), "--site", "semicomplete.example")
    again = ingest(str(ELASTIC), "--site", "semicomplete.example", "--force")
    for out in (first, again):
        assert (
            "accepted 1 line(s) whose user agent is cut short (no closing quote): line 8899" in out
        )
    batch = Batch.objects.get()
    assert (batch.lines, batch.accepted, batch.rejected) == (10_000, 10_000, 0)


def test_the_hackers_corpus_gives_goaccess_bandwidth_with_its_ipv6_lines():
    out = ingest(str(HACKERS), "--site", "niels.example")
    assert "3,456 lines (combined): 3,456 accepted, 0 refused" in out
    totals = _totals()
    assert (totals["hits"], totals["bytes"]) == (3456, 46_882_196)
    assert (totals["s2"], totals["s3"], totals["s4"]) == (2846, 585, 25)


def test_its_hours_are_utc_although_the_log_is_in_plus_one_hour():
    ingest(str(HACKERS), "--site", "niels.example")
    first = HourTotal.objects.order_by("hour").first()
    assert first is not None
    assert first.hour.isoformat() == "2015-10-25T03:00:00+00:00"  # 04:11:25 +0100
