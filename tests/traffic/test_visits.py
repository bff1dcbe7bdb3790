"""The pinned definitions: a visit is one pseudonym and browser family whose page requests are
never more than 30 minutes apart; robots and files are counted apart; figures about fewer than
k visitors fold into "other" (USE-4)."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Sum
from django.utils import timezone

from clientvault.privacy.salts import salt_days
from clientvault.traffic.models import OTHER, DayFigure, Dimension, HourTotal, OpenVisit
from clientvault.traffic.services.sweep import SALT_SCOPE
from tests.traffic.logs import FIREFOX, GOOGLEBOT, START, ingest, line, write

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def _sum(field: str) -> int:
    return HourTotal.objects.aggregate(total=Sum(field))["total"] or 0


def _ingest(tmp_path, lines, name="a.log"):
    return ingest(str(write(tmp_path, name, lines)), "--site", "s.example")


def test_a_gap_of_more_than_thirty_minutes_starts_a_new_visit(tmp_path):
    _ingest(tmp_path, [line(minutes=0), line(minutes=29), line(minutes=59), line(minutes=95)])
    assert _sum("visits") == 2  # 0, 29, 59 (exactly 30 minutes on) | 95


def test_lines_out_of_order_make_the_same_visits(tmp_path):
    _ingest(tmp_path, [line(minutes=95), line(minutes=29), line(minutes=0), line(minutes=59)])
    assert _sum("visits") == 2


def test_another_browser_from_the_same_address_is_another_visit(tmp_path):
    _ingest(tmp_path, [line(minutes=0), line(minutes=1, agent=FIREFOX)])
    assert _sum("visits") == 2


def test_robots_and_files_are_hits_but_not_pages_or_visits(tmp_path):
    _ingest(
        tmp_path,
        [
            line(agent=GOOGLEBOT),
            line(path="/style.css"),
            line(path="/logo.PNG"),
            line(path="/missing", status=404),
            line(path="/about?email=a@b.example"),
        ],
    )
    assert (_sum("hits"), _sum("pages"), _sum("visits"), _sum("robot_hits")) == (5, 1, 1, 1)
    paths = set(DayFigure.objects.filter(dimension=Dimension.PATH).values_list("value", flat=True))
    assert "/about?email=a@b.example" not in paths  # query strings never kept


def test_a_value_seen_by_fewer_than_k_visitors_is_folded_into_other(tmp_path):
    lines = [line(f"198.51.100.{n}", path="/popular") for n in range(5)]
    lines += [line(f"198.51.100.{n}", path="/rare", minutes=1) for n in range(4)]
    _ingest(tmp_path, lines)
    figures = {
        f.value: (f.hits, f.visitors) for f in DayFigure.objects.filter(dimension=Dimension.PATH)
    }
    assert figures == {"/popular": (5, 5), OTHER: (4, 4)}


def _today_at(hour: int) -> datetime.datetime:
    return timezone.now().astimezone(datetime.UTC).replace(hour=hour, minute=0, second=0)


def test_a_visit_going_on_into_the_next_log_is_counted_once(tmp_path):
    at = _today_at(0)  # today's lines: under today's salt, kept 48 hours
    _ingest(tmp_path, [line(at=at, minutes=m) for m in (0, 25, 50)], name="hour-1.log")
    _ingest(tmp_path, [line(at=at, minutes=m) for m in (70, 75)], name="hour-2.log")
    assert _sum("visits") == 1
    _ingest(tmp_path, [line(at=at, minutes=200)], name="hour-3.log")  # 125 minutes on: new
    assert _sum("visits") == 2


def test_lines_older_than_the_salts_48_hours_cannot_be_linked_across_logs(tmp_path):
    old = _today_at(0) - datetime.timedelta(days=3)
    _ingest(tmp_path, [line(at=old, minutes=m) for m in (0, 25, 50)], name="old-1.log")
    _ingest(tmp_path, [line(at=old, minutes=m) for m in (70, 75)], name="old-2.log")
    assert _sum("visits") == 2  # a random salt for this run only: nothing to continue
    assert old.date() not in salt_days(scope=SALT_SCOPE)


def test_each_day_has_its_own_pseudonyms(tmp_path):
    at = _today_at(23) - datetime.timedelta(days=1)  # yesterday 23:00, and on past midnight
    _ingest(tmp_path, [line(at=at, minutes=m) for m in (0, 50, 70)])
    assert _sum("visits") == 3  # 23:00 | 23:50, cut at midnight: another day, another salt | 00:10
    pseudonyms = set(OpenVisit.objects.values_list("pseudonym", flat=True))
    assert len(pseudonyms) == 2  # the two visits still open at the log's end, one per day


def test_visits_are_counted_in_the_hour_they_begin(tmp_path):
    _ingest(tmp_path, [line(minutes=55), line(minutes=65)])
    hours = dict(HourTotal.objects.values_list("hour", "visits"))
    assert hours == {START: 1, START.replace(hour=10): 0}
