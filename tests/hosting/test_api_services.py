"""/api/v1/hosting/services and /plans: the account's services with where their panel calls
stand, cancelling and changing plan, and the catalogue, for a token with the services
permission; 403 without it, 404 for another account's service or a staff token."""

from __future__ import annotations

import pytest

from clientvault.accounts.models import StaffRole
from clientvault.hosting.models import CallAction, CallStatus, ServiceStatus
from tests.hosting.api_support import call, fields_of, get, post
from tests.hosting.registrar_server import free_port
from tests.hosting.staff_support import a_call
from tests.hosting.support import calls, make_service, order_hosting, pay, plan, run_calls

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_it_lists_services_with_their_provisioning(customer, catalogue):
    service = make_service(customer, status=ServiceStatus.PENDING, domain="xn--bcher-kva.com")
    a_call(service=service, status=CallStatus.RETRYING, attempts=2, last_error="No answer.")

    page = get(customer, "/services").json()

    assert page["count"] == 1
    item = page["items"][0]
    assert {k: item[k] for k in ("reference", "product", "plan", "status", "domain")} == {
        "reference": service.reference,
        "product": "shared",
        "plan": "shared-plus",
        "status": "pending",
        "domain": "xn--bcher-kva.com",
    }
    assert item["domain_unicode"] == "bücher.com"
    assert item["provisioning"]["state"] == "in_progress"
    assert item["provisioning"]["call"]["last_error"] == "No answer."
    assert item["provisioning"]["call"]["retry_at"] is not None


def test_a_failed_call_shows_as_failed(customer, catalogue):
    service = make_service(customer)
    a_call(service=service, action="suspend", attempts=5, last_error="Refused.")

    shown = get(customer, f"/services/{service.reference}").json()

    assert shown["provisioning"]["state"] == "failed"
    assert shown["provisioning"]["call"]["action"] == "suspend"


def test_one_service_with_its_history(customer, catalogue, servers, billing_staff):
    order = order_hosting(customer)
    pay(order.invoice, billing_staff)
    run_calls()
    service = order.services.get()

    shown = get(customer, f"/services/{service.reference}").json()

    assert shown["status"] == "active"
    assert shown["provisioning"] == {"state": "ready", "call": None}
    assert [(h["from_status"], h["to_status"], h["reason"]) for h in shown["history"]] == [
        ("pending", "active", "provisioned"),
        (None, "pending", "ordered"),
    ]


def test_cancel_at_the_end_of_the_term(customer, catalogue):
    service = make_service(customer)

    response = post(customer, f"/services/{service.reference}/cancel", {"when": "end_of_term"})

    assert response.status_code == 200
    assert response.json()["cancel_on"] == service.next_due_on.isoformat()


def test_cancel_now_then_again_is_a_conflict(customer, catalogue):
    service = make_service(customer)

    first = post(customer, f"/services/{service.reference}/cancel", {"when": "now"})
    again = post(customer, f"/services/{service.reference}/cancel", {"when": "now"})

    assert first.json()["status"] == "cancelled"
    assert again.status_code == 409
    assert again.json() == {"detail": "This service is already cancelled."}


def test_change_plan_is_accepted_and_queued(customer, catalogue):
    service = make_service(customer)

    response = post(customer, f"/services/{service.reference}/plan", {"plan": "shared-pro"})

    assert response.status_code == 202
    assert response.json()["provisioning"]["call"]["action"] == "change_plan"
    assert calls(action=CallAction.CHANGE_PLAN)[0].arguments["plan"] == plan("shared-pro").pk


@pytest.mark.parametrize(
    ("body", "field"),
    [({"plan": "no-such-plan"}, "plan"), ({"plan": "vps-small"}, "plan"), ({}, "plan")],
)
def test_a_plan_that_cannot_be_had_is_refused_naming_the_field(customer, catalogue, body, field):
    service = make_service(customer)

    response = post(customer, f"/services/{service.reference}/plan", body)

    assert fields_of(response) == [field]


def test_a_panel_that_does_not_answer_is_a_503(customer, catalogue, settings):
    settings.TEST_PANEL_URL = f"http://127.0.0.1:{free_port()}"
    service = make_service(customer)

    response = post(customer, f"/services/{service.reference}/plan", {"plan": "shared-starter"})

    assert response.status_code == 503
    assert "We could not check the service's usage" in response.json()["detail"]
    assert not calls(action=CallAction.CHANGE_PLAN)


def test_the_catalogue_lists_plans_with_prices_and_domain_endings(customer, catalogue):
    shown = get(customer, "/plans").json()

    assert shown["currency"] == "EUR"
    plus = next(p for p in shown["plans"] if p["code"] == "shared-plus")
    assert plus["product"] == "shared"
    assert plus["disk_mb"] == 20_000
    assert {p["cycle"]: p["amount"] for p in plus["prices"]}["monthly"] == 799
    assert {"ending": "com", "yearly": 1200} in shown["domains"]


def test_a_teammate_without_the_services_permission_gets_403(customer, teammate, catalogue):
    service = make_service(customer)

    for response in (
        get(teammate, "/services"),
        get(teammate, "/plans"),
        post(teammate, f"/services/{service.reference}/cancel", {"when": "now"}),
    ):
        assert response.status_code == 403
        assert "services permission" in response.json()["detail"]
    service.refresh_from_db()
    assert service.status == ServiceStatus.ACTIVE


def test_an_outsider_gets_404_for_anothers_service(customer, outsider, catalogue):
    service = make_service(customer)

    assert get(outsider, f"/services/{service.reference}").status_code == 404
    assert (
        post(outsider, f"/services/{service.reference}/cancel", {"when": "now"}).status_code == 404
    )
    assert get(outsider, "/services").json()["count"] == 0
    service.refresh_from_db()
    assert service.status == ServiceStatus.ACTIVE


def test_a_staff_token_gets_404(staff):
    assert call(staff(StaffRole.ADMINISTRATOR), "GET", "/services").status_code == 404
