"""/api/v1/hosting/orders: an order through the API makes its invoice (201 with both numbers),
a refusal names the line and field, a registrar that cannot be asked is a 503 with nothing
ordered; an order is read back by its number on its own account only."""

from __future__ import annotations

import pytest

from clientvault.accounts.models import Channel
from clientvault.billing.models import InvoiceStatus
from clientvault.hosting.models import DomainStatus, Order, ServiceStatus
from tests.hosting.api_support import fields_of, get, post
from tests.hosting.registrar_server import free_port

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

HOSTING = {"plan": "shared-plus", "cycle": "monthly", "domain": "ada-new.com"}
REGISTER = {**HOSTING, "domain_action": "register", "years": 2}


def test_an_order_is_invoiced_and_its_items_wait_for_payment(customer, catalogue, registrar_server):
    response = post(customer, "/orders", {"lines": [REGISTER]})

    assert response.status_code == 201
    shown = response.json()
    order = Order.objects.get(number=shown["number"])
    assert (order.channel, order.placed_by) == (Channel.API, customer.user)
    assert shown["invoice"] == order.invoice.display_number
    assert order.invoice.status == InvoiceStatus.UNPAID
    assert shown["total"] == order.invoice.total > 0
    assert shown["status"] == "awaiting_payment"
    assert shown["services"] == [order.services.get().reference]
    assert shown["domains"] == ["ada-new.com"]
    assert order.services.get().status == ServiceStatus.PENDING
    assert order.domains.get().status == DomainStatus.PENDING


def test_it_reads_an_order_back_by_its_number(customer, catalogue, registrar_server):
    number = post(customer, "/orders", {"lines": [REGISTER]}).json()["number"]

    shown = get(customer, f"/orders/{number}").json()

    assert shown["number"] == number
    assert shown["renews"] is None


def test_a_plan_alone_serving_a_domain_held_elsewhere(customer, catalogue):
    response = post(customer, "/orders", {"lines": [HOSTING]})

    assert response.status_code == 201
    assert response.json()["domains"] == []


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"plan": "no-such-plan"}, "lines.0.plan"),
        ({"domain": "-bad-.com"}, "lines.0.domain"),
        ({"domain": "ada-new.invalid"}, "lines.0.domain"),
        ({"domain_action": "transfer", "auth_code": ""}, "lines.0.auth_code"),
        ({"domain": "", "domain_action": ""}, "lines.0.domain"),
        ({"years": 11}, "lines.0.years"),
        ({"cycle": "weekly"}, "lines.0.cycle"),
    ],
)
def test_a_refusal_names_the_line_and_field(customer, catalogue, registrar_server, line, field):
    response = post(customer, "/orders", {"lines": [{**REGISTER, **line}]})

    assert fields_of(response) == [field]
    assert not Order.objects.exists()


def test_a_taken_name_on_the_second_line_names_that_line(customer, catalogue, registrar_server):
    post(customer, "/orders", {"lines": [REGISTER]})
    first = {**REGISTER, "domain": "ada-other.com"}

    response = post(customer, "/orders", {"lines": [first, REGISTER]})

    assert fields_of(response) == ["lines.1.domain"]
    assert "already on an account here" in response.json()["detail"][0]["message"]
    assert Order.objects.count() == 1


def test_an_empty_order_and_unknown_fields_are_refused(customer, catalogue):
    assert fields_of(post(customer, "/orders", {"lines": []})) == ["lines"]
    assert fields_of(post(customer, "/orders", {"lines": [{**HOSTING, "price": 1}]})) == [
        "lines.0.price"
    ]


def test_a_registrar_that_does_not_answer_is_a_503_and_orders_nothing(
    customer, catalogue, settings
):
    settings.TEST_REGISTRAR_URL = f"http://127.0.0.1:{free_port()}"

    response = post(customer, "/orders", {"lines": [REGISTER]})

    assert response.status_code == 503
    assert "Nothing was ordered" in response.json()["detail"]
    assert not Order.objects.exists()


def test_a_teammate_without_the_services_permission_gets_403(teammate, catalogue):
    response = post(teammate, "/orders", {"lines": [HOSTING]})

    assert response.status_code == 403
    assert not Order.objects.exists()


def test_an_outsider_gets_404_for_anothers_order(customer, outsider, catalogue):
    number = post(customer, "/orders", {"lines": [HOSTING]}).json()["number"]

    assert get(outsider, f"/orders/{number}").status_code == 404
