"""A customer reports unauthorised use (SEC-3): every session ends, a new password is due,
staff see the report."""

import pytest
from django.urls import reverse

from clientvault.accounts.models import (
    AuthenticatorDevice,
    ReportStatus,
    StaffRole,
    UnauthorisedUseReport,
    UserSession,
)
from clientvault.accounts.services.security import report_unauthorised_use
from tests.accounts.personas import PASSWORD
from tests.e2e.support import (
    PHONE_TABLES,
    device_code,
    overflow_on_phone,
    sign_in_with_browser,
    submit,
    unlabelled_tables_on_phone,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]


def test_reporting_unauthorised_use_ends_every_session(page, browser, live_server, customer, shot):
    other = browser.new_context(base_url=live_server.url)
    other_page = other.new_page()
    try:
        sign_in_with_browser(other_page, "ada", PASSWORD)  # the intruder's session elsewhere
        sign_in_with_browser(page, "ada", PASSWORD)
        assert UserSession.objects.filter(user=customer.user).count() == 2
        page.goto(reverse("accounts:report_unauthorised"))
        assert overflow_on_phone(page) == []
        shot(page, "report-unauthorised")
        page.get_by_label("What happened").fill("A sign-in from a town I never visit.")
        page.get_by_label("I understand", exact=False).check()
        submit(page)
        page.wait_for_load_state()
        report = UnauthorisedUseReport.objects.get(person=customer)
        assert report.status == ReportStatus.OPEN
        assert UserSession.objects.filter(user=customer.user).count() == 0
        other_page.goto(reverse("accounts:dashboard"))
        assert other_page.url.split("?")[0].endswith(reverse("accounts:login"))
        sign_in_with_browser(page, "ada", PASSWORD)  # the old password no longer works
        assert not page.url.split("?")[0].endswith(reverse("accounts:dashboard"))
    finally:
        other.close()


def test_support_staff_see_the_report_after_their_second_factor(page, customer, staff, shot):
    report_unauthorised_use(person=customer, description="Not me.", actor=customer.user)
    agent = staff(StaffRole.SUPPORT)
    sign_in_with_browser(page, agent.username, PASSWORD)
    page.wait_for_url(f"**{reverse('accounts:two_factor')}*")
    page.get_by_label("Code", exact=True).fill(
        device_code(AuthenticatorDevice.objects.get(user=agent))
    )
    submit(page)
    page.wait_for_load_state()
    page.goto(reverse("accounts:staff_reports"))
    row = page.get_by_role("row").filter(has_text=customer.customer.number)
    assert "Open" in row.inner_text()
    assert overflow_on_phone(page) == []
    assert unlabelled_tables_on_phone(page) == [], PHONE_TABLES
    shot(page, "staff-reports")
