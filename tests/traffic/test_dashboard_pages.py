# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The back office's traffic pages: the sites, a site's dashboard for a period, its CSV.

Only staff whose role is granted the analytics purpose (marketing, by default) open them, past
their second factor; other staff are refused, customers get 404, visitors the sign-in page.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.privacy.models import AuditEvent
from tests.accounts.personas import (  # noqa: F401
    customer,
    customer_client,
    make_staff,
    sign_in,
    staff,
    staff_client,
)
from tests.traffic.figures import a_day, a_figure, an_hour, at

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

SITE = "example.com"
DAY = datetime.date(2026, 11, 3)
SITES = reverse("traffic:staff_traffic")
BOARD = reverse("traffic:staff_traffic_site", args=[SITE])
EXPORT = reverse("traffic:staff_traffic_export", args=[SITE])


@pytest.fixture
def marketing(staff_client) -> Client:
    return staff_client(StaffRole.MARKETING)


@pytest.fixture
def a_week() -> None:
    for back in range(10):
        a_day(SITE, DAY - datetime.timedelta(days=back))


def page_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_the_sites_list_shows_each_site_with_its_figures(marketing, a_week):
    an_hour("quiet.example", at(DAY), hits=3)
    page = page_of(marketing.get(SITES))
    assert f'<a href="{BOARD}">example.com</a>' in page
    assert "quiet.example" in page
    assert "Last figures" in page


def test_the_sites_list_finds_a_site_by_name_and_pages(marketing):
    for i in range(27):
        an_hour(f"site-{i:02}.example", at(DAY), hits=1)
    first = page_of(marketing.get(SITES))
    assert "site-24.example" in first
    assert "site-25.example" not in first
    assert "Page 1 of 2" in first
    assert "site-26.example" in page_of(marketing.get(SITES, {"page": 2}))
    found = page_of(marketing.get(SITES, {"q": "SITE-07"}))
    assert "site-07.example" in found
    assert "site-08.example" not in found
    assert "No site's name contains" in page_of(marketing.get(SITES, {"q": "nothing"}))


def test_with_no_log_analysed_it_says_so(marketing):
    assert "No web-server log has been analysed yet." in page_of(marketing.get(SITES))


def test_the_dashboard_shows_the_last_week_with_figures(marketing, a_week):
    page = page_of(marketing.get(BOARD))
    assert "28 October 2026 to 3 November 2026" in page
    assert 'value="2026-10-28"' in page
    assert 'value="2026-11-03"' in page
    assert page.count('role="img"') == 3  # visits, requests, time to serve
    assert 'aria-labelledby="visits-title"' in page
    assert "<code>/missing</code>" in page
    assert "Firefox 128" in page
    assert "example-isp.net" in page
    assert "Other" in page
    assert "half were served within 20 ms" in page
    assert f'href="{EXPORT}?from=2026-10-28&amp;to=2026-11-03"' in page
    assert "style=" not in page


def test_the_dashboard_names_the_isp_nobody_could_name(marketing):
    an_hour(SITE, at(DAY))
    a_figure(SITE, DAY, "isp", "-", hits=9, visitors=7)
    assert "No name known" in page_of(marketing.get(BOARD))


def test_the_dashboard_shows_the_period_asked_for(marketing, a_week):
    page = page_of(marketing.get(BOARD, {"from": "2026-11-02", "to": "2026-11-03"}))
    assert "2 November 2026 to 3 November 2026" in page
    assert "Mon 2 Nov" in page
    assert "Sat 31 Oct" not in page


def test_a_period_without_requests_says_so(marketing, a_week):
    page = page_of(marketing.get(BOARD, {"from": "2025-01-01", "to": "2025-01-02"}))
    assert "The logs have no request to example.com in this period." in page
    assert "No visits in this period." in page


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"from": "03/11/2026", "to": "2026-11-03"}, "from", "From: enter a date as year-month"),
        ({"from": "2026-11-03", "to": ""}, "to", "To: enter a date."),
        ({"from": "2026-11-03", "to": "2026-11-01"}, "to", "To: the last day cannot be before"),
        ({"from": "2024-01-01", "to": "2026-11-01"}, "from", "From: a period is at most 366 days"),
        ({"from": "1999-12-31", "to": "2026-11-01"}, "from", "From: choose a day from 2000"),
    ],
)
def test_a_wrong_period_is_refused_on_the_field_it_is_about(
    marketing, a_week, query, field, message
):
    page = page_of(marketing.get(BOARD, query))
    assert f'id="id_{field}_error"' in page
    assert message in page
    assert "Correct the period above to see its figures." in page
    assert 'role="img"' not in page


def test_an_unknown_site_is_not_found(marketing):
    assert (
        marketing.get(reverse("traffic:staff_traffic_site", args=["nowhere.example"])).status_code
        == 404
    )
    assert (
        marketing.get(reverse("traffic:staff_traffic_export", args=["nowhere.example"])).status_code
        == 404
    )


def test_the_export_is_the_dashboards_figures_as_csv(marketing, a_week):
    response = marketing.get(EXPORT, {"from": "2026-11-02", "to": "2026-11-03"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="traffic-example.com-2026-11-02-to-2026-11-03.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[:3] == [["site", "example.com"], ["from", "2026-11-02"], ["to", "2026-11-03"]]
    days = [row for row in rows if row and row[0] in {"2026-11-02", "2026-11-03", "total"}]
    assert [row[3] for row in days] == ["60", "60", "120"]  # requests
    assert [row[11] for row in days] == ["3", "3", "6"]  # errors
    assert [row[14] for row in days] == ["20", "20", "20"]  # p95 ms
    assert ["path", "/missing", "6", "6"] in rows
    assert ["browser", "Other", "10", "0"] in rows


def test_the_export_defaults_to_the_dashboards_period(marketing, a_week):
    response = marketing.get(EXPORT)
    assert "2026-10-28-to-2026-11-03.csv" in response["Content-Disposition"]


def test_a_log_value_a_spreadsheet_would_run_is_quoted(marketing):
    an_hour(SITE, at(DAY))
    a_figure(SITE, DAY, "path", "=HYPERLINK(1)", hits=8, visitors=9)
    a_figure(SITE, DAY, "path", "-2+3", hits=7, visitors=9)
    rows = list(csv.reader(io.StringIO(marketing.get(EXPORT).content.decode())))
    assert ["path", "'=HYPERLINK(1)", "8", "0"] in rows
    assert ["path", "'-2+3", "7", "0"] in rows


def test_a_wrong_period_in_the_export_is_a_400_naming_the_field(marketing, a_week):
    response = marketing.get(EXPORT, {"from": "2026-11-03", "to": "not a date"})
    assert response.status_code == 400
    assert response.content.decode().startswith("To: enter a date as year-month-day")


def test_reading_the_figures_is_recorded_nowhere(marketing, a_week):
    before = AuditEvent.objects.count()
    for url in (SITES, BOARD, EXPORT):
        assert marketing.get(url).status_code == 200
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "role",
    [
        StaffRole.SUPPORT,
        StaffRole.BILLING,
        StaffRole.LEGAL,
        StaffRole.PRIVACY_OFFICER,
        StaffRole.ADMINISTRATOR,
    ],
)
def test_staff_without_the_analytics_purpose_are_refused(staff_client, a_week, role):
    client = staff_client(role)
    for url in (SITES, BOARD, EXPORT):
        response = client.get(url)
        assert response.status_code == 403
        assert "your staff role does not analyse traffic" in response.content.decode()


def test_customers_get_404_and_visitors_the_sign_in_page(customer_client, a_week):
    for url in (SITES, BOARD, EXPORT):
        assert customer_client.get(url).status_code == 404
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_a_staff_login_without_its_second_factor_is_sent_to_it(a_week):
    client = sign_in(Client(), make_staff(StaffRole.MARKETING.value))
    response = client.get(BOARD)
    assert response["Location"].startswith(reverse("accounts:two_factor"))


def test_the_pages_take_no_post(marketing, a_week):
    for url in (SITES, BOARD, EXPORT):
        assert marketing.post(url).status_code == 405


def test_the_navigation_leads_the_marketing_team_to_traffic(marketing, a_week):
    page = page_of(marketing.get(BOARD))
    assert f'<a href="{SITES}" aria-current="page">Traffic</a>' in page
