"""The customer's hosting services: the list (status, plan, cycle, next due date or end, the
domain served, pages, the empty state) and one service (its status explained, what the panel
is doing or failed to do, its history); only the account's own, for the services permission."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from clientvault.hosting.models import (
    CallAction,
    CallStatus,
    RemoteCall,
    Service,
    ServiceStatus,
    ServiceStatusChange,
    StatusReason,
)
from tests.hosting.support import make_service, order_hosting

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

SERVICES = reverse("hosting:services")


def text(response) -> str:
    """The page as read: tags out, white space squeezed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def detail(service: Service) -> str:
    return reverse("hosting:service", args=[service.reference])


def a_call(service: Service, action: str, status: str, error: str = "") -> RemoteCall:
    return RemoteCall.objects.create(
        customer_id=service.customer_id,
        target="panel",
        service=service,
        action=action,
        status=status,
        last_error=error,
        retry_at=timezone.now() if status == CallStatus.RETRYING else None,
    )


def test_it_lists_each_service_with_its_status_plan_cycle_due_date_and_domain(
    customer, customer_client, catalogue
):
    service = make_service(customer, due_in_days=10)

    page = text(customer_client.get(SERVICES))

    assert "Shared Plus for ada-site.com (Shared hosting)" in page
    assert "ada-site.com" in page
    assert "Active" in page
    assert "Monthly" in page
    assert f"{service.next_due_on:%-d %b %Y}" in page


def test_a_service_cancelled_at_the_end_of_its_term_shows_when_it_ends(
    customer, customer_client, catalogue
):
    service = make_service(customer)
    Service.objects.filter(pk=service.pk).update(cancel_on=datetime.date(2031, 3, 4))

    assert "Ends on 4 Mar 2031" in text(customer_client.get(SERVICES))


def test_an_account_without_services_is_offered_the_order_form(customer_client, catalogue):
    response = customer_client.get(SERVICES)

    assert "No hosting services yet." in text(response)
    assert reverse("hosting:order") in response.content.decode()


def test_the_list_comes_in_pages(customer, customer_client, catalogue):
    for n in range(26):
        make_service(customer, domain=f"site-{n}.com")

    first = customer_client.get(SERVICES)
    second = customer_client.get(SERVICES, {"page": 2})

    assert "Page 1 of 2" in text(first)
    assert text(second).count("(Shared hosting)") == 1


def test_a_service_of_another_account_is_neither_listed_nor_found(
    customer, outsider_client, catalogue
):
    service = make_service(customer)

    assert "ada-site.com" not in text(outsider_client.get(SERVICES))
    assert outsider_client.get(detail(service)).status_code == 404


def test_a_teammate_without_the_services_permission_is_refused(
    customer, teammate_client, catalogue
):
    service = make_service(customer)

    assert teammate_client.get(SERVICES).status_code == 403
    assert teammate_client.get(detail(service)).status_code == 403


def test_a_running_service_says_when_it_is_next_invoiced(customer, customer_client, catalogue):
    service = make_service(customer, due_in_days=10)

    page = text(customer_client.get(detail(service)))

    assert f"Running. Its next invoice is made on {service.next_due_on:%-d %B %Y}." in page
    assert "Change the plan" in page
    assert "Cancel the service" in page


def test_an_unpaid_order_says_it_waits_for_its_invoice(
    customer, customer_client, catalogue, registrar_server
):
    order = order_hosting(customer)
    service = order.services.get()

    page = text(customer_client.get(detail(service)))

    assert "Waiting for payment: the service is set up on the server once its invoice" in page
    assert f"Pay invoice {order.invoice.display_number}" in page


def test_a_service_being_set_up_says_so(customer, customer_client, catalogue):
    service = make_service(customer, status=ServiceStatus.PENDING)
    a_call(service, CallAction.CREATE, CallStatus.QUEUED)

    page = text(customer_client.get(detail(service)))

    assert "Paid: it is not on the server yet." in page
    assert "Being set up on the server." in page


def test_a_panel_that_did_not_answer_is_said_with_the_next_try(
    customer, customer_client, catalogue
):
    service = make_service(customer, status=ServiceStatus.PENDING)
    a_call(service, CallAction.CREATE, CallStatus.RETRYING, "The control panel did not answer.")

    page = text(customer_client.get(detail(service)))

    assert (
        "Being set up on the server. It did not answer (The control panel did not answer)" in page
    )
    assert "so we try again at" in page


def test_a_failed_set_up_gives_the_reason(customer, customer_client, catalogue):
    service = make_service(customer, status=ServiceStatus.PENDING)
    a_call(service, CallAction.CREATE, CallStatus.FAILED, "The plan code is unknown.")

    page = text(customer_client.get(detail(service)))

    assert "Set-up failed: The plan code is unknown — we are on it." in page


def test_a_service_suspended_for_an_unpaid_invoice_says_paying_restarts_it(
    customer, customer_client, catalogue
):
    service = make_service(customer, status=ServiceStatus.SUSPENDED)
    ServiceStatusChange.objects.create(
        service=service,
        from_status=ServiceStatus.ACTIVE,
        to_status=ServiceStatus.SUSPENDED,
        reason=StatusReason.UNPAID,
        at=timezone.now(),
    )

    page = text(customer_client.get(detail(service)))

    assert "Suspended because an invoice is unpaid" in page
    assert "starts again by itself" in page
    assert "Active → Suspended An invoice is unpaid" in page  # the history


def test_a_service_suspended_by_staff_points_to_support(customer, customer_client, catalogue):
    service = make_service(customer, status=ServiceStatus.SUSPENDED)
    ServiceStatusChange.objects.create(
        service=service,
        from_status=ServiceStatus.ACTIVE,
        to_status=ServiceStatus.SUSPENDED,
        reason=StatusReason.ABUSE,
        at=timezone.now(),
    )

    page = text(customer_client.get(detail(service)))

    assert "breach of the acceptable-use policy. Please contact support" in page
    assert "Change the plan" not in page


def test_a_terminated_service_offers_no_action(customer, customer_client, catalogue):
    service = make_service(customer, status=ServiceStatus.TERMINATED)

    page = text(customer_client.get(detail(service)))

    assert "Ended: it was removed from the server." in page
    assert "Cancel the service" not in page
