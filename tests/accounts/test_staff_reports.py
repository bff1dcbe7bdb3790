# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""Unauthorised-use reports (SEC-3): listed for staff, acknowledged and resolved, audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import ClientLogEntry, ClientLogEvent, ReportStatus, StaffRole
from clientvault.accounts.services.security import report_unauthorised_use
from clientvault.privacy.models import AuditEvent
from tests.accounts.personas import customer, staff, staff_client  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
LIST = reverse("accounts:staff_reports")


@pytest.fixture
def report(customer):
    return report_unauthorised_use(
        person=customer, description="Someone moved my domains", actor=customer.user
    )


def test_the_list_shows_open_reports_and_an_empty_state(report, staff_client):
    client = staff_client(StaffRole.SUPPORT)
    page = client.get(LIST).content.decode()
    assert report.customer.number in page
    assert "Open" in page
    assert "Someone moved" not in page  # the description only on the report's own page
    page = client.get(LIST, {"status": "resolved"}).content.decode()
    assert "No resolved reports." in page


def test_reading_a_report_is_access_logged(report, staff, staff_client):
    page = staff_client(StaffRole.LEGAL).get(reverse("accounts:staff_report", args=[report.pk]))
    assert "Someone moved my domains" in page.content.decode()
    event = AuditEvent.objects.get(action="access.view")
    assert (event.subject_id, event.purpose) == (report.subject_id, "security")
    assert event.actor_id == f"user:{staff(StaffRole.LEGAL).pk}"


def test_it_acknowledges_then_resolves_and_logs_both(report, staff, staff_client):
    client = staff_client(StaffRole.SUPPORT)
    detail = reverse("accounts:staff_report", args=[report.pk])
    client.post(detail, {"status": "acknowledged"})
    report.refresh_from_db()
    assert report.status == ReportStatus.ACKNOWLEDGED
    assert report.handled_by == staff(StaffRole.SUPPORT)
    client.post(detail, {"status": "resolved"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RESOLVED
    actions = AuditEvent.objects.filter(object_id=report.pk).values_list("action", flat=True)
    assert {"unauthorised_use.acknowledged", "unauthorised_use.resolved"} <= set(actions)
    events = ClientLogEntry.objects.filter(customer=report.customer).values_list("event", flat=True)
    assert {ClientLogEvent.REPORT_ACKNOWLEDGED, ClientLogEvent.REPORT_RESOLVED} <= set(events)


def test_it_refuses_a_step_the_workflow_does_not_allow(report, staff_client):
    client = staff_client(StaffRole.SUPPORT)
    detail = reverse("accounts:staff_report", args=[report.pk])
    client.post(detail, {"status": "resolved"})
    page = client.post(detail, {"status": "acknowledged"}, follow=True).content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.RESOLVED
    assert "This report is resolved." in page


def test_billing_has_no_security_purpose_and_is_told(report, staff_client):
    response = staff_client(StaffRole.BILLING).get(LIST)
    assert response.status_code == 403
    assert "Security and fraud prevention" in response.content.decode()
