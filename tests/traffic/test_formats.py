"""Each format is recognised from its first lines and read into the same figures; time to serve
is kept where the log has it (%D in microseconds, nginx's $request_time in seconds)."""

from __future__ import annotations

import json

import pytest
from django.db.models import Sum

from clientvault.traffic import formats, timing
from clientvault.traffic.models import Batch, HourTotal
from tests.traffic.logs import CHROME, ingest, line, write

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

COMMON = '203.0.113.9 - - [02/Nov/2026:09:00:00 +0000] "GET /a HTTP/1.1" 200 512\n'
VHOST = (
    'shop.example:443 203.0.113.9 - - [02/Nov/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 100 "-" '
    '"x"\n'
)


def _nginx(**extra: object) -> str:
    record = {
        "time_iso8601": "2026-11-02T10:00:00+01:00",
        "remote_addr": "2001:db8::7",
        "request": "GET /shop?id=5 HTTP/2.0",
        "status": "200",
        "body_bytes_sent": "2048",
        "http_user_agent": CHROME,
        "request_time": "0.042",
        "host": "Shop.Example",
    }
    return json.dumps({**record, **extra}) + "\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [(line(), "combined"), (COMMON, "common"), (VHOST, "vhost_combined"), (_nginx(), "nginx_json")],
)
def test_it_recognises_each_format(text, expected):
    assert formats.detect([text] * 3) == expected


def test_a_common_log_is_read_without_agents(tmp_path):
    out = ingest(str(write(tmp_path, "c.log", [COMMON] * 2)), "--site", "s.example")
    assert "2 lines (common): 2 accepted" in out
    assert HourTotal.objects.get().bytes == 1024


def test_a_vhost_log_names_its_sites_itself(tmp_path):
    other = VHOST.replace("shop.example:443", "blog.example:80")
    ingest(str(write(tmp_path, "v.log", [VHOST, other, other])))
    assert dict(HourTotal.objects.values_list("site", "hits")) == {
        "shop.example": 1,
        "blog.example": 2,
    }


def test_nginx_json_lines_give_time_to_serve(tmp_path):
    ingest(str(write(tmp_path, "n.log", [_nginx(), _nginx(request_time="1.5")])))
    hour = HourTotal.objects.get()
    assert (hour.site, hour.hits, hour.bytes) == ("shop.example", 2, 4096)
    assert hour.hour.isoformat() == "2026-11-02T09:00:00+00:00"
    assert timing.percentile(hour.serve_ms, 0.5) == 50
    assert timing.percentile(hour.serve_ms, 0.99) == 2000


def test_a_combined_log_with_microseconds_at_the_end_gives_time_to_serve(tmp_path):
    timed = [line().rstrip("\n") + f" {us}\n" for us in (800, 4_000, 250_000)]
    ingest(str(write(tmp_path, "d.log", timed)), "--site", "s.example")
    assert timing.percentile(HourTotal.objects.get().serve_ms, 0.5) == 5


def test_a_log_without_times_has_no_time_to_serve(tmp_path):
    ingest(str(write(tmp_path, "a.log", [line()])), "--site", "s.example")
    assert HourTotal.objects.get().serve_ms == []


def test_a_named_format_is_used_and_lines_that_do_not_fit_are_refused(tmp_path):
    path = str(write(tmp_path, "a.log", [line()]))
    out = ingest(path, "--site", "s.example", "--format", "nginx_json")
    assert "(nginx_json): 0 accepted, 1 refused" in out
    assert "line 1 (not a nginx_json line)" in out
    assert Batch.objects.get().rejected == 1
    assert HourTotal.objects.aggregate(total=Sum("hits"))["total"] is None
