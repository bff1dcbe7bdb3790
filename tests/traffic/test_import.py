"""A web server's figures travel as Parquet: importing the same file twice changes nothing, the
file holds no address, and a file that is not one is refused by name."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from clientvault.traffic.models import Batch, DayFigure, HourTotal, Origin
from tests.traffic.logs import HACKERS, import_file, ingest

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def _state() -> tuple[int, int, int, int]:
    totals = HourTotal.objects.aggregate(hits=Sum("hits"), size=Sum("bytes"))
    return Batch.objects.count(), DayFigure.objects.count(), totals["hits"], totals["size"]


def test_the_output_stores_nothing_and_importing_twice_changes_nothing(tmp_path):
    sent = tmp_path / "web-1.parquet"
    out = ingest(str(HACKERS), "--site", "s.example", "--output", str(sent))
    assert "rows of figures, no addresses" in out
    assert not Batch.objects.exists()
    import_file(str(sent))
    once = _state()
    assert once[0] == 1
    assert once[2:] == (3456, 46_882_196)
    assert "skipped: already imported from a web server" in import_file(str(sent))
    assert _state() == once
    assert Batch.objects.get().origin == Origin.IMPORTED


def test_import_gives_the_same_figures_as_ingesting_here(tmp_path):
    sent = tmp_path / "web-1.parquet"
    ingest(str(HACKERS), "--site", "s.example", "--output", str(sent))
    import_file(str(sent))
    imported = sorted(HourTotal.objects.values_list("hour", "hits", "pages", "visits", "bytes"))
    Batch.objects.all().delete()
    ingest(str(HACKERS), "--site", "s.example")
    here = sorted(HourTotal.objects.values_list("hour", "hits", "pages", "visits", "bytes"))
    assert imported == here


def test_a_file_that_is_not_a_traffic_file_is_refused_by_name(tmp_path):
    bogus = tmp_path / "bogus.parquet"
    bogus.write_text("not parquet at all")
    with pytest.raises(CommandError):
        import_file(str(bogus))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("traffic", "import", str(bogus), stdout=out)
    assert "bogus.parquet: refused:" in out.getvalue()
    assert "not a readable Parquet file" in out.getvalue()
    assert not Batch.objects.exists()
