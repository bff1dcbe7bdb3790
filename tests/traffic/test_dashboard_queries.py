"""What the staff dashboard reads: a site's figures per day summed over batches, its time to
serve, its breakdowns with "other", the default period and the sites list."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from clientvault.privacy.profile import current_profile
from clientvault.privacy.traffic_rules import TrafficRules
from clientvault.traffic import queries
from clientvault.traffic.queries import Days
from tests.traffic.figures import a_batch, a_day, a_figure, an_hour, at, timed

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

SITE = "example.com"
DAY = datetime.date(2026, 11, 3)
WEEK = Days(DAY - datetime.timedelta(days=6), DAY)


def with_k(monkeypatch: pytest.MonkeyPatch, k: int) -> None:
    profile = dataclasses.replace(current_profile(), traffic=TrafficRules(k_anonymity=k))
    monkeypatch.setattr(queries, "current_profile", lambda: profile)


def test_a_days_totals_add_up_every_batch_and_hour_of_the_utc_day():
    first, second = a_batch("one.log"), a_batch("two.log")
    an_hour(SITE, at(DAY, 0), batch=first, hits=10, visits=3, status_4xx=1)
    an_hour(SITE, at(DAY, 23), batch=first, hits=5, visits=1, status_5xx=2, robot_hits=4)
    an_hour(SITE, at(DAY, 23), batch=second, hits=7, visits=2)
    an_hour(SITE, at(DAY + datetime.timedelta(days=1), 0), batch=second, hits=100)
    an_hour("www." + SITE, at(DAY, 12), hits=50)
    board = queries.dashboard(SITE, Days(DAY, DAY))
    [day] = board.rows
    assert (day.start, day.hits, day.visits, day.robot_hits) == (DAY, 22, 6, 4)
    assert (day.status_4xx, day.status_5xx, day.errors) == (1, 2, 3)
    assert day.bytes == 22_000
    assert board.total.hits == 22


def test_every_day_of_the_period_has_a_row_even_without_figures():
    an_hour(SITE, at(DAY), hits=3)
    board = queries.dashboard(SITE, WEEK)
    assert [row.start for row in board.rows] == list(WEEK)
    assert [row.hits for row in board.rows] == [0, 0, 0, 0, 0, 0, 3]
    assert board.measured


def test_time_to_serve_adds_the_histograms_and_reads_percentiles():
    an_hour(SITE, at(DAY, 1), hits=90, serve_ms=timed(ms_10=90))
    an_hour(SITE, at(DAY, 2), hits=10, serve_ms=timed(ms_500=9, ms_2000=1))
    an_hour(SITE, at(DAY, 3), hits=5)  # this log had no times
    total = queries.dashboard(SITE, Days(DAY, DAY)).total
    assert total.timed == 100
    assert (total.p50, total.p95, total.p99) == (10, 500, 500)
    assert queries.dashboard("untimed.example", Days(DAY, DAY)).total.p95 is None


def test_a_breakdown_shows_the_top_values_and_adds_the_rest_to_other():
    batch = a_batch()
    for i in range(12):
        a_figure(SITE, DAY, "path", f"/page-{i:02}", hits=100 - i, errors=1, batch=batch)
    a_figure(SITE, DAY, "path", "", hits=7, errors=2, batch=batch)  # folded at ingestion
    part = queries.breakdown(SITE, WEEK, "path")
    assert [share.value for share in part.rows] == [f"/page-{i:02}" for i in range(10)]
    assert part.other is not None
    assert (part.other.hits, part.other.errors) == (90 + 89 + 7, 2 + 2)
    assert part.total == sum(100 - i for i in range(12)) + 7


def test_the_same_value_adds_up_over_days_and_batches():
    a_figure(SITE, DAY, "browser", "Firefox 128", hits=10)
    a_figure(SITE, DAY, "browser", "Firefox 128", hits=5)
    a_figure(SITE, DAY - datetime.timedelta(days=1), "browser", "Firefox 128", hits=1)
    a_figure(SITE, DAY - datetime.timedelta(days=10), "browser", "Firefox 128", hits=1000)
    a_figure("other.example", DAY, "browser", "Firefox 128", hits=1000)
    part = queries.breakdown(SITE, WEEK, "browser")
    assert [(s.value, s.hits) for s in part.rows] == [("Firefox 128", 16)]
    assert part.other is None


def test_a_row_about_fewer_visitors_than_the_profiles_k_is_folded_when_read(monkeypatch):
    a_figure(SITE, DAY, "isp", "small-isp.example", hits=50, visitors=6)
    a_figure(SITE, DAY, "isp", "big-isp.example", hits=40, visitors=12)
    assert [s.value for s in queries.breakdown(SITE, WEEK, "isp").rows] == [
        "small-isp.example",
        "big-isp.example",
    ]
    with_k(monkeypatch, 10)
    part = queries.breakdown(SITE, WEEK, "isp")
    assert [s.value for s in part.rows] == ["big-isp.example"]
    assert part.other is not None
    assert part.other.hits == 50


def test_the_dashboard_has_every_breakdown():
    a_day(SITE, DAY)
    board = queries.dashboard(SITE, WEEK)
    assert [part.dimension for part in board.breakdowns] == [
        "path",
        "entry",
        "exit",
        "browser",
        "system",
        "device",
        "isp",
    ]
    browsers = board.breakdowns[3]
    assert [(s.value, s.hits) for s in browsers.all_rows] == [("Firefox 128", 25), ("", 5)]
    assert browsers.label == "Browsers"
    assert board.breakdowns[1].counts_visits


def test_the_default_period_is_the_last_week_with_figures():
    an_hour(SITE, at(DAY - datetime.timedelta(days=30)))
    an_hour(SITE, at(DAY, 22))
    known = queries.data_days(SITE)
    assert known == Days(DAY - datetime.timedelta(days=30), DAY)
    assert queries.default_days(known) == WEEK
    assert queries.default_days(Days(DAY, DAY)) == Days(DAY, DAY)
    assert queries.data_days("never.example") is None


def test_the_sites_list_has_each_sites_last_30_days():
    now = at(DAY, 18)
    an_hour(SITE, at(DAY), hits=10, visits=4, status_4xx=1, status_5xx=1)
    an_hour(SITE, at(DAY - datetime.timedelta(days=40)), hits=1000)
    an_hour("quiet.example", at(DAY - datetime.timedelta(days=40)), hits=5)
    rows = list(queries.site_list(now=now))
    assert [row["site"] for row in rows] == [SITE, "quiet.example"]
    assert (rows[0]["hits"], rows[0]["visits"], rows[0]["error_count"]) == (10, 4, 2)
    assert rows[0]["bytes_sent"] == 10_000
    assert rows[0]["last"] == at(DAY)
    assert (rows[1]["hits"], rows[1]["visits"]) == (0, 0)
    assert [row["site"] for row in queries.site_list(now=now, search="QUIET")] == ["quiet.example"]


def test_periods_count_their_days_and_months():
    assert Days(DAY, DAY).count == 1
    assert WEEK.count == 7
    assert queries.last_months(datetime.date(2026, 3, 15), 3) == Days(
        datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)
    )
    assert queries.months(Days(datetime.date(2025, 12, 30), datetime.date(2026, 2, 1))) == [
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
    ]
    assert WEEK.within(DAY, None) == Days(DAY, DAY)
    assert WEEK.within(DAY + datetime.timedelta(days=1), None) is None
    assert WEEK.within(None, WEEK.start) == Days(WEEK.start, WEEK.start)
    assert WEEK.within(None, None) == WEEK
