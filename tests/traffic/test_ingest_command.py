"""``clientvault traffic ingest``: plain, gzip, bzip2 and standard input; bad logs are named and
skipped, never stop the run, and nothing is counted twice."""

from __future__ import annotations

import bz2
import gzip
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from clientvault.traffic.models import Batch, HourTotal
from tests.traffic.logs import HACKERS, ingest, line, write

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
HACKERS_BYTES = 46_882_196


def _bytes() -> int:
    return HourTotal.objects.aggregate(total=Sum("bytes"))["total"] or 0


def test_it_reads_gzip_bzip2_and_stdin_alike(tmp_path):
    raw = HACKERS.read_bytes()
    (tmp_path / "a.log.gz").write_bytes(gzip.compress(raw))
    lines = raw.splitlines(keepends=True)
    (tmp_path / "b.log.bz2").write_bytes(bz2.compress(b"".join(lines[:3000])))
    out = ingest(str(tmp_path / "a.log.gz"), str(tmp_path / "b.log.bz2"), "--site", "s.example")
    out += ingest("-", "--site", "s.example", stdin=b"".join(lines[:1500]))
    assert "refused:" not in out
    assert Batch.objects.count() == 3
    for accepted in ("3,456", "3,000", "1,500"):
        assert f"{accepted} accepted, 0 refused" in out


def test_the_same_lines_compressed_after_rotation_are_known_again(tmp_path):
    raw = HACKERS.read_bytes()
    (tmp_path / "access.log.1").write_bytes(raw)
    (tmp_path / "access.log.2.gz").write_bytes(gzip.compress(raw))
    (tmp_path / "access.log.3.bz2").write_bytes(bz2.compress(raw))
    ingest(str(tmp_path / "access.log.1"), "--site", "s.example")
    again = ingest(
        str(tmp_path / "access.log.2.gz"), str(tmp_path / "access.log.3.bz2"), "--site", "s.example"
    )
    assert again.count("skipped: already ingested here") == 2
    assert (Batch.objects.count(), _bytes()) == (1, HACKERS_BYTES)


def test_a_log_ingested_before_is_skipped_and_force_replaces_it(tmp_path):
    ingest(str(HACKERS), "--site", "s.example")
    again = ingest(str(HACKERS), "--site", "s.example")
    assert "skipped: already ingested here" in again
    assert "--force" in again
    assert _bytes() == HACKERS_BYTES
    ingest(str(HACKERS), "--site", "s.example", "--force")
    assert (Batch.objects.count(), _bytes()) == (1, HACKERS_BYTES)


def test_bad_lines_are_counted_and_named_by_number_and_the_rest_kept(tmp_path):
    lines = [line(), line("999.1.1.1"), "garbage\n", line(status=404, path="/gone")]
    lines.insert(3, '1.2.3.4 - - [02/Nov/2026:09:00:00 +0000] "GET /\xff HTTP/1.1" 200 5 "-" "x"\n')
    path = tmp_path / "mixed.log"
    path.write_bytes("".join(lines).encode("utf-8").replace("\xff".encode(), b"\xff"))
    out = ingest(str(path), "--site", "s.example")
    assert "5 lines (combined): 2 accepted, 3 refused" in out
    assert "line 2 (client address is not an IP address (9 characters))" in out
    assert "line 3 (not a combined line)" in out
    assert "line 4 (not valid UTF-8 text)" in out
    assert _bytes() == 2000


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x7fELF\x02\x01\x01\x00\x00\x00binary", "refused: binary data, not a text log"),
        (b"hello\nworld\n", "refused: unknown log format"),
        (gzip.compress(b"x" * 1000, mtime=0)[:12], "refused: not readable as gzip"),
    ],
)
def test_a_bad_file_is_refused_by_name_and_the_others_still_go_in(tmp_path, content, message):
    bad = tmp_path / "bad.log"
    bad.write_bytes(content)
    good = write(tmp_path, "good.log", [line()])
    with pytest.raises(CommandError, match="some logs could not be read"):
        ingest(str(bad), str(good), "--site", "s.example")
    assert Batch.objects.get().source == "good.log"


def test_it_prints_each_outcome_before_failing(tmp_path):
    out = io.StringIO()
    good = write(tmp_path, "good.log", [line()])
    with pytest.raises(CommandError):
        call_command(
            "traffic",
            "ingest",
            str(tmp_path / "missing.log"),
            str(good),
            "--site",
            "s.example",
            "--no-lookups",
            stdout=out,
        )
    text = out.getvalue()
    assert "missing.log: refused:" in text
    assert "no such file" in text
    assert "good.log: 1 lines (combined): 1 accepted, 0 refused" in text


def test_a_combined_log_needs_a_site(tmp_path):
    with pytest.raises(CommandError):
        ingest(str(write(tmp_path, "a.log", [line()])))
    assert not Batch.objects.exists()


def test_a_timestamp_in_another_time_zone_lands_in_its_utc_hour(tmp_path):
    text = line().replace("+0000", "+0530").replace("09:00:00", "14:30:00")
    ingest(str(write(tmp_path, "tz.log", [text])), "--site", "s.example")
    assert HourTotal.objects.get().hour.isoformat() == "2026-11-02T09:00:00+00:00"


def test_an_output_directory_that_does_not_exist_is_refused(tmp_path):
    with pytest.raises(CommandError, match="--output: no such directory"):
        ingest(str(HACKERS), "--site", "s.example", "--output", str(tmp_path / "no" / "x.parquet"))


def test_a_gzip_log_cut_off_midway_is_refused_whole_so_nothing_counts_twice_later(tmp_path):
    whole = gzip.compress(HACKERS.read_bytes(), mtime=0)
    cut = tmp_path / "rotating.log.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "traffic", "ingest", str(cut), "--site", "s.example", "--no-lookups", stdout=out
        )
    assert "the gzip data ends early" in out.getvalue()
    assert not Batch.objects.exists()
    cut.write_bytes(whole)
    assert "3,456 accepted" in ingest(str(cut), "--site", "s.example")
    assert _bytes() == HACKERS_BYTES


def test_a_file_name_with_glob_characters_is_read_as_named(tmp_path):
    write(tmp_path, "a.log", [line()] * 3)
    odd = write(tmp_path, "[a].log", [line()])
    assert "1 lines (combined): 1 accepted" in ingest(str(odd), "--site", "s.example")


def test_an_empty_log_is_skipped_not_refused(tmp_path):
    empty = write(tmp_path, "quiet.log", [])
    assert "quiet.log: skipped: empty: no lines to ingest" in ingest(
        str(empty), "--site", "s.example"
    )
    assert not Batch.objects.exists()


def test_an_engine_error_never_quotes_the_log():
    from clientvault.traffic.engine import _first_line

    error = Exception('Invalid Input Error: bad JSON.  Input: "203.0.113.5 - - [02/Nov/2026"')
    assert "203.0.113.5" not in _first_line(error)
    assert "203.0.113.5" not in _first_line(Exception("IO Error: at '203.0.113.5 - -'"))
