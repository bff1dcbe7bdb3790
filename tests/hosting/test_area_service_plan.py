"""Moving a service to another plan of its product from the customer area: the plans with
their prices for the service's cycle; a smaller plan than the files on it is refused on the
plan field with the figures."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from clientvault.hosting.models import CallAction, Service, ServiceStatus
from tests.hosting.panel_server import set_usage
from tests.hosting.support import calls, make_service, order_hosting, pay, plan, run_calls

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def plan_url(service: Service) -> str:
    return reverse("hosting:service_plan", args=[service.reference])


@pytest.fixture
def live(customer, catalogue, servers, billing_staff) -> Service:
    order = order_hosting(customer)
    pay(order.invoice, billing_staff)
    run_calls()
    return Service.objects.get(order=order)


def test_it_offers_the_products_other_plans_with_their_price(customer, customer_client, catalogue):
    service = make_service(customer)

    response = customer_client.get(plan_url(service))

    page = text(response)
    assert "Shared Starter (5 GB disk; EUR 4.99 monthly)" in page
    assert "Shared Pro (50 GB disk; EUR 19.99 monthly)" in page
    assert "VPS" not in page
    assert f'name="plan" value="{service.plan_id}"' not in response.content.decode()


def test_a_bigger_plan_is_asked_of_the_panel(live, customer_client):
    response = customer_client.post(plan_url(live), {"plan": plan("shared-pro").pk}, follow=True)

    assert "Moving to Shared Pro" in text(response)
    assert [c.action for c in calls(service=live)][-1] == CallAction.CHANGE_PLAN
    run_calls()
    live.refresh_from_db()
    assert live.plan == plan("shared-pro")


def test_a_plan_too_small_for_the_files_is_refused_on_the_plan_field(
    live, servers, customer_client
):
    panel, _ = servers
    set_usage(panel, live.reference, disk_mb=12_000)

    response = customer_client.post(plan_url(live), {"plan": plan("shared-starter").pk})

    page = response.content.decode()
    assert 'id="id_plan_error"' in page
    assert "The service uses 12,000 MB of disk; Shared Starter allows 5,000 MB." in text(response)
    assert not calls(action=CallAction.CHANGE_PLAN)


def test_another_products_plan_is_not_a_choice(live, customer_client):
    response = customer_client.post(plan_url(live), {"plan": plan("vps-small").pk})

    assert "New plan: choose a plan." in text(response)
    assert not calls(action=CallAction.CHANGE_PLAN)


def test_a_suspended_service_cannot_change_plan(customer, customer_client, catalogue):
    service = make_service(customer, status=ServiceStatus.SUSPENDED)

    page = text(customer_client.get(plan_url(service)))
    response = customer_client.post(plan_url(service), {"plan": plan("shared-pro").pk})

    assert "Only an active service can change plan." in page
    assert "Only an active service can change plan." in text(response)


def test_others_cannot_change_it(live, outsider_client, teammate_client):
    data = {"plan": plan("shared-pro").pk}
    assert outsider_client.post(plan_url(live), data).status_code == 404
    assert teammate_client.post(plan_url(live), data).status_code == 403
    assert not calls(action=CallAction.CHANGE_PLAN)
