"""One service in the back office: history and panel calls for support; suspend, unsuspend,
cancel, change plan and retry a failed call for the service purpose, each through the real
service and the local test control panel."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.hosting.models import CallAction, CallStatus, Service, ServiceStatus
from clientvault.privacy.services.access import accesses_to
from tests.hosting.panel_server import set_usage
from tests.hosting.registrar_server import free_port
from tests.hosting.staff_support import a_call
from tests.hosting.support import calls, make_service, order_hosting, pay, plan, run_calls

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(service: Service, action: str = "") -> str:
    name = f"hosting:staff_service_{action}" if action else "hosting:staff_service"
    return reverse(name, args=[service.reference])


@pytest.fixture
def live_service(customer, catalogue, servers, billing_staff) -> Service:
    """Ada's paid order, set up on the running panel."""
    order = order_hosting(customer)
    pay(order.invoice, billing_staff)
    run_calls()
    service = Service.objects.get(order=order)
    assert service.status == ServiceStatus.ACTIVE
    return service


def panel_status(panel_server, service: Service) -> str:
    rows = [a for a in panel_server.store.accounts() if a["service_ref"] == service.reference]
    return str(rows[0]["status"])


def test_support_sees_its_history_and_panel_calls(live_service, staff_client):
    page = staff_client(StaffRole.SUPPORT).get(url(live_service)).content.decode()

    assert "Shared hosting: Shared Plus" in page
    assert "ada-site.com" in page
    assert "Pending → Active" in page
    assert "Set up on the server" in page
    assert "Control panel calls" in page
    assert "Up to date" in page
    assert url(live_service, "suspend") in page


def test_the_view_is_access_logged(customer, live_service, staff, staff_client):
    staff_client(StaffRole.SUPPORT).get(url(live_service))

    seen = [e for e in accesses_to(subject_id=customer.subject_id) if e.action == "access.view"]
    assert [(e.purpose, e.details["what"]) for e in seen] == [("support", "hosting.service")]


def test_staff_suspend_for_abuse_and_the_panel_is_told(live_service, servers, staff_client):
    panel, _ = servers
    client = staff_client(StaffRole.SUPPORT)

    response = client.post(url(live_service, "suspend"), {"reason": "abuse"}, follow=True)

    assert "The service is suspended" in response.content.decode()
    live_service.refresh_from_db()
    assert live_service.status == ServiceStatus.SUSPENDED
    assert live_service.history.first().reason == "abuse"
    run_calls()
    assert panel_status(panel, live_service) == "suspended"
    page = client.get(url(live_service)).content.decode()
    assert "Breach of the acceptable-use policy" in page
    assert "staff: staff-support" in page


def test_staff_unsuspend(live_service, servers, staff_client):
    panel, _ = servers
    client = staff_client(StaffRole.SUPPORT)
    client.post(url(live_service, "suspend"), {"reason": "staff"})

    client.post(url(live_service, "unsuspend"))

    live_service.refresh_from_db()
    assert live_service.status == ServiceStatus.ACTIVE
    run_calls()
    assert panel_status(panel, live_service) == "active"


def test_staff_cancel_at_the_end_of_the_term(live_service, staff_client):
    response = staff_client(StaffRole.SUPPORT).post(
        url(live_service, "cancel"), {"when": "end_of_term"}, follow=True
    )

    live_service.refresh_from_db()
    assert live_service.status == ServiceStatus.ACTIVE
    assert live_service.cancel_on == live_service.next_due_on
    assert f"The service ends on {live_service.cancel_on:%d %B %Y}" in response.content.decode()


def test_staff_cancel_now_and_the_panel_removes_it(live_service, servers, staff_client):
    panel, _ = servers
    assert panel_status(panel, live_service) == "active"

    staff_client(StaffRole.SUPPORT).post(url(live_service, "cancel"), {"when": "now"})

    live_service.refresh_from_db()
    assert live_service.status == ServiceStatus.CANCELLED
    assert live_service.history.first().reason == "staff_cancelled"
    run_calls()
    live_service.refresh_from_db()
    assert live_service.status == ServiceStatus.TERMINATED
    assert panel_status(panel, live_service) == "terminated"


def test_staff_change_the_plan_to_a_bigger_one(live_service, staff_client):
    bigger = plan("shared-pro")

    staff_client(StaffRole.SUPPORT).post(url(live_service, "plan"), {"plan": bigger.pk})

    run_calls()
    live_service.refresh_from_db()
    assert live_service.plan == bigger


def test_a_smaller_plan_than_the_usage_is_refused_saying_why(live_service, servers, staff_client):
    panel, _ = servers
    set_usage(panel, live_service.reference, disk_mb=9_000)

    response = staff_client(StaffRole.SUPPORT).post(
        url(live_service, "plan"), {"plan": plan("shared-starter").pk}, follow=True
    )

    assert "The service uses 9,000 MB of disk; Shared Starter allows 5,000 MB." in (
        response.content.decode()
    )
    assert not calls(action=CallAction.CHANGE_PLAN)


def test_a_panel_that_does_not_answer_leaves_the_plan_as_it_was(
    customer, catalogue, settings, staff_client
):
    settings.TEST_PANEL_URL = f"http://127.0.0.1:{free_port()}"
    service = make_service(customer)

    response = staff_client(StaffRole.SUPPORT).post(
        url(service, "plan"), {"plan": plan("shared-starter").pk}, follow=True
    )

    assert "We could not check the service&#x27;s usage" in response.content.decode()
    service.refresh_from_db()
    assert service.plan.code == "shared-plus"


def test_an_invalid_choice_is_refused_naming_the_field(customer, catalogue, staff_client):
    service = make_service(customer)

    response = staff_client(StaffRole.SUPPORT).post(
        url(service, "suspend"), {"reason": "unpaid"}, follow=True
    )

    assert "Why: Select a valid choice." in response.content.decode()
    service.refresh_from_db()
    assert service.status == ServiceStatus.ACTIVE


def test_a_failed_call_is_tried_again(customer, catalogue, staff_client):
    service = make_service(customer, status=ServiceStatus.PENDING)
    failed = a_call(service=service, attempts=5, last_error="The panel did not answer.")
    client = staff_client(StaffRole.SUPPORT)
    assert "Try again" in client.get(url(service)).content.decode()

    response = client.post(reverse("hosting:staff_call_retry", args=[failed.pk]))

    assert response["Location"] == url(service)
    failed.refresh_from_db()
    assert failed.status == CallStatus.QUEUED


def test_billing_sees_the_service_but_may_not_act(customer, catalogue, staff_client):
    service = make_service(customer)
    client = staff_client(StaffRole.BILLING)

    assert url(service, "suspend") not in client.get(url(service)).content.decode()
    response = client.post(url(service, "suspend"), {"reason": "abuse"})

    assert response.status_code == 403
    assert "Providing the hosting service" in response.content.decode()
    service.refresh_from_db()
    assert service.status == ServiceStatus.ACTIVE


def test_an_unknown_service_gets_404(staff_client):
    response = staff_client(StaffRole.SUPPORT).get(
        reverse("hosting:staff_service", args=["svc-000000000000"])
    )
    assert response.status_code == 404
