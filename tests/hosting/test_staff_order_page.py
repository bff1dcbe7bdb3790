"""An order placed by staff for a customer: the same service as the customer's order form,
on the staff channel, its invoice issued to the customer; refusals shown on their field."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import Channel, StaffRole
from clientvault.billing.models import InvoiceStatus
from clientvault.hosting.models import DomainStatus, Order, ServiceStatus
from tests.hosting.registrar_server import free_port
from tests.hosting.support import plan

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(person) -> str:
    return reverse("hosting:staff_order", args=[person.customer.number])


def form(**changes: object) -> dict[str, object]:
    return {
        "plan": plan("shared-plus").pk,
        "cycle": "monthly",
        "domain": "ada-new.com",
        "domain_action": "register",
        "auth_code": "",
        "years": 1,
        **changes,
    }


def test_staff_place_an_order_for_the_customer(
    customer, catalogue, registrar_server, staff, staff_client
):
    response = staff_client(StaffRole.SUPPORT).post(url(customer), form(), follow=True)

    order = Order.objects.get(customer=customer.customer)
    assert (order.channel, order.placed_by) == (Channel.STAFF, staff(StaffRole.SUPPORT))
    assert order.invoice.status == InvoiceStatus.UNPAID
    assert order.services.get().status == ServiceStatus.PENDING
    assert order.domains.get().status == DomainStatus.PENDING
    page = response.content.decode()
    assert f"Order {order.number} placed. Invoice {order.invoice.display_number}" in page


def test_the_form_lists_the_plans_on_sale(customer, catalogue, staff_client):
    page = staff_client(StaffRole.SUPPORT).get(url(customer)).content.decode()

    assert "Shared hosting: Shared Plus" in page
    assert "Virtual private server: VPS Small" in page


def test_a_taken_domain_is_refused_on_its_field(
    customer, catalogue, registrar_server, staff_client
):
    staff_client(StaffRole.SUPPORT).post(url(customer), form())

    response = staff_client(StaffRole.SUPPORT).post(url(customer), form())

    assert response.status_code == 200
    assert "ada-new.com is already on an account here." in response.content.decode()
    assert Order.objects.count() == 1


def test_an_invalid_domain_name_says_what_is_wrong(customer, catalogue, staff_client):
    response = staff_client(StaffRole.SUPPORT).post(url(customer), form(domain="-bad-.com"))

    assert "a part between dots cannot start or end with a hyphen" in response.content.decode()
    assert not Order.objects.exists()


def test_a_registrar_that_does_not_answer_orders_nothing(
    customer, catalogue, settings, staff_client
):
    settings.TEST_REGISTRAR_URL = f"http://127.0.0.1:{free_port()}"

    response = staff_client(StaffRole.SUPPORT).post(url(customer), form())

    assert "Nothing was ordered; try again in a few minutes." in response.content.decode()
    assert not Order.objects.exists()


def test_billing_may_not_order(customer, catalogue, staff_client):
    assert staff_client(StaffRole.BILLING).get(url(customer)).status_code == 403
