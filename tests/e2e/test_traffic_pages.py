"""The traffic pages in the browser: the marketing team signs in with its authenticator, finds a
site, reads its charts, changes the period (a wrong one is named on its field) and downloads the
CSV; a customer follows the usage section of a service's page to its usage by day and month.
Every page passes axe-core on a phone and a desktop, and nothing is wider than the phone."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.hosting.services.catalogue import ensure_catalogue
from clientvault.traffic import hooks
from tests.accounts.personas import PASSWORD
from tests.e2e.support import (
    DESKTOP,
    PHONE,
    error_for,
    looks_right,
    sign_in_staff_with_browser,
    sign_in_with_browser,
    submit,
)
from tests.hosting.support import make_service
from tests.traffic.figures import a_day, a_figure
from tests.traffic.test_usage_pages import ordered_long_ago

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]

TODAY = datetime.datetime.now(tz=datetime.UTC).date()


def a_fortnight(site: str) -> None:
    for back in range(14):
        a_day(site, TODAY - datetime.timedelta(days=back), hits=40 + 7 * (back % 5))
    a_figure(site, TODAY, "isp", "-", hits=12, visitors=8)


def both_widths(page, shot, name: str) -> None:
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        shot(page, f"{name}-{size['width']}", full_page=True)


def test_the_marketing_team_reads_a_sites_traffic(page, staff, shot):
    a_fortnight("example.com")
    sign_in_staff_with_browser(page, staff(StaffRole.MARKETING))

    page.goto(reverse("traffic:staff_traffic"))
    looks_right(page, "the sites")
    page.get_by_role("link", name="example.com", exact=True).click()
    page.wait_for_url(f"**{reverse('traffic:staff_traffic_site', args=['example.com'])}")
    assert page.get_by_role("img", name="Visits per day").is_visible()
    assert page.get_by_role("img", name="Requests per day, by answer").is_visible()
    assert "No name known" in page.locator("main").inner_text()
    looks_right(page, "a site's dashboard")
    both_widths(page, shot, "traffic-dashboard")

    start = TODAY - datetime.timedelta(days=2)
    page.get_by_label("From", exact=True).fill(start.isoformat())
    page.get_by_label("To", exact=True).fill(TODAY.isoformat())
    submit(page, "Show")
    page.wait_for_load_state()
    assert page.url.endswith(f"?from={start.isoformat()}&to={TODAY.isoformat()}")
    rows = page.locator("table.figures").first.locator("tbody tr")
    assert rows.count() == 3

    page.get_by_label("To", exact=True).fill((start - datetime.timedelta(days=1)).isoformat())
    submit(page, "Show")
    page.wait_for_load_state()
    assert "To: the last day cannot be before the first" in error_for(page, "To")
    looks_right(page, "a site's dashboard with a wrong period")

    page.get_by_label("To", exact=True).fill(TODAY.isoformat())
    submit(page, "Show")
    page.wait_for_load_state()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    name = download.value.suggested_filename
    assert name == f"traffic-example.com-{start:%Y-%m-%d}-to-{TODAY:%Y-%m-%d}.csv"


def test_a_customer_reads_a_services_usage(page, customer, shot):
    hooks.register()  # as the app's ready does
    ensure_catalogue()
    service = ordered_long_ago(make_service(customer, domain="ada-site.com"), days=90)
    a_fortnight("ada-site.com")
    a_day("www.ada-site.com", TODAY - datetime.timedelta(days=40))
    sign_in_with_browser(page, "ada", PASSWORD)

    page.goto(reverse("hosting:service", args=[service.reference]))
    assert page.get_by_role("heading", name="Usage in the last 30 days").is_visible()
    looks_right(page, "a service's page with its usage")
    page.get_by_role("link", name="Usage of ada-site.com by day and by month").click()
    page.wait_for_url(f"**{reverse('traffic:service_usage', args=[service.reference])}")
    assert page.get_by_role("img", name="Data sent per day").is_visible()
    assert page.get_by_role("img", name="Data sent per month").is_visible()
    assert "not reported" in page.locator("main").inner_text()
    looks_right(page, "a service's usage")
    both_widths(page, shot, "traffic-usage")

    page.goto(reverse("traffic:usage"))
    assert page.get_by_role("link", name=service.plan.name).is_visible()
    looks_right(page, "the usage of every service")
