"""Cancelling a service from the customer area: at the end of its term or now, each choice
saying what follows, a tick to confirm; one call to cancel_service, then the service's page."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from clientvault.billing.models import SubscriptionStatus
from clientvault.hosting.models import CallAction, Service, ServiceStatus
from tests.hosting.support import calls, make_service, order_hosting, pay, run_calls

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def cancel_url(service: Service) -> str:
    return reverse("hosting:service_cancel", args=[service.reference])


@pytest.fixture
def live(customer, catalogue, servers, billing_staff) -> Service:
    order = order_hosting(customer)
    pay(order.invoice, billing_staff)
    run_calls()
    return Service.objects.get(order=order)


def test_the_form_says_what_each_choice_does(customer, customer_client, catalogue):
    service = make_service(customer, due_in_days=12)

    page = text(customer_client.get(cancel_url(service)))

    assert f"At the end of the term, on {service.next_due_on:%-d %B %Y}" in page
    assert "keeps running until then" in page
    assert "Now: the service stops today and is removed from the server" in page
    assert "I understand that a cancelled service cannot be restarted" in page


def test_it_cancels_at_the_end_of_the_term(live, customer_client):
    response = customer_client.post(
        cancel_url(live), {"when": "end_of_term", "confirm": "on"}, follow=True
    )

    live.refresh_from_db()
    assert live.cancel_on == live.next_due_on
    assert live.status == ServiceStatus.ACTIVE
    assert live.subscription.status == SubscriptionStatus.ENDED
    assert f"Cancelled: Shared Plus ends on {live.cancel_on:%-d %B %Y}." in text(response)
    assert response.redirect_chain[-1][0] == reverse("hosting:service", args=[live.reference])


def test_it_cancels_now_and_the_panel_removes_it(live, customer_client):
    customer_client.post(cancel_url(live), {"when": "now", "confirm": "on"})

    live.refresh_from_db()
    assert live.status == ServiceStatus.CANCELLED
    assert [c.action for c in calls(service=live)][-1] == CallAction.TERMINATE
    run_calls()
    live.refresh_from_db()
    assert live.status == ServiceStatus.TERMINATED


def test_without_the_tick_nothing_is_cancelled(live, customer_client):
    response = customer_client.post(cancel_url(live), {"when": "now"})

    assert "Tick the box to confirm the cancellation." in text(response)
    live.refresh_from_db()
    assert live.status == ServiceStatus.ACTIVE


def test_a_service_without_a_term_can_only_end_now(customer, customer_client, catalogue):
    service = make_service(customer)
    Service.objects.filter(pk=service.pk).update(next_due_on=None)

    response = customer_client.post(cancel_url(service), {"when": "end_of_term", "confirm": "on"})

    assert "When should the service end?: choose when." in text(response)
    service.refresh_from_db()
    assert (service.status, service.cancel_on) == (ServiceStatus.ACTIVE, None)


def test_a_cancelled_service_goes_back_to_its_page(customer, customer_client, catalogue):
    service = make_service(customer, status=ServiceStatus.CANCELLED)

    response = customer_client.post(cancel_url(service), {"when": "now", "confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == reverse("hosting:service", args=[service.reference])


def test_get_never_cancels(live, customer_client):
    customer_client.get(cancel_url(live), {"when": "now", "confirm": "on"})

    live.refresh_from_db()
    assert live.status == ServiceStatus.ACTIVE


def test_others_cannot_cancel_it(live, outsider_client, teammate_client):
    assert (
        outsider_client.post(cancel_url(live), {"when": "now", "confirm": "on"}).status_code == 404
    )
    assert (
        teammate_client.post(cancel_url(live), {"when": "now", "confirm": "on"}).status_code == 403
    )
    live.refresh_from_db()
    assert live.status == ServiceStatus.ACTIVE
